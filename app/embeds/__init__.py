"""Embeddable pictures: the world map, the timeline chart and the status badges, as SVG."""
