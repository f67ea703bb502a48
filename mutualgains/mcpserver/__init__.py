"""An MCP server for assistants (``pip install "mutualgains[mcp]"``; ``mutualgains mcp``).

:mod:`mutualgains.mcpserver.server` holds the tools, :mod:`mutualgains.mcpserver.schemas`
their output schemas. Importing this package does not import the ``mcp`` SDK.
"""

__all__: list[str] = []
