"""The OpenAPI document: the routes' own text (`routes`), completed into a contract a generated
client can use (`document`): shared problem responses, security, headers, 304s, stable ids."""
