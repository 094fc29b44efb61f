"""Read functions returning schema objects, one module per resource; no HTTP here."""
