"""The public record shipped in `data/public/`: its files, the export that writes them, the load."""
