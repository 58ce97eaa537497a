"""The anthology's operations, one module per concern: the book's settings, its contents,
certificates and builds. They take the session, flush and never commit."""
