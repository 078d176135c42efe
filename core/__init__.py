"""The mytools platform: config, database pool, tool registry, auth, security, CLI."""
