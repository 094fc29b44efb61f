"""The read model: what every hot read needs, derived once per data version and held in memory.

`model.ReadModel` holds the countries, treaties, sources, each state's status spans toward each
treaty, and the few votes and citations that are not the UN record; `store.current` hands out
the model of the data version a request reads, rebuilding it when the version moved.
"""
