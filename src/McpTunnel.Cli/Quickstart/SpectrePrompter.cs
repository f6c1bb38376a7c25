using Spectre.Console;

namespace McpTunnel.Cli.Quickstart;

/// <summary>Terminal prompts with Spectre.Console; used only when stdin and stdout are a terminal.</summary>
internal sealed class SpectrePrompter : IQuickstartPrompter
{
    public string AskDomain()
    {
        AnsiConsole.MarkupLine("Create the tunnel in the Claude Console: [bold]Manage → MCP tunnels → New tunnel[/], then open it.");
        AnsiConsole.MarkupLine("Copy the [bold]Domain[/] from its Connection section. [yellow]Do not paste the token here[/]: it goes into .env later.");
        return AnsiConsole.Prompt(new TextPrompt<string>("Tunnel domain (e.g. abcd1234.tunnel.anthropic.com):")
            .Validate(d => QuickstartValidation.DomainError(d) is { } error ? ValidationResult.Error(error) : ValidationResult.Success()));
    }

    public bool AskUseSample() =>
        AnsiConsole.Prompt(new SelectionPrompt<string>()
            .Title("Which MCP server should the tunnel reach?")
            .AddChoices("Use the sample server (hello-mcp, route echo)", "I have an MCP server already"))
        .StartsWith("Use the sample", StringComparison.Ordinal);

    public string AskRoute() =>
        AnsiConsole.Prompt(new TextPrompt<string>("Route as name=scheme://host:port (e.g. wiki=http://wiki-mcp:8080):")
            .Validate(r => QuickstartValidation.RouteError(r, out _, out _) is { } error ? ValidationResult.Error(error) : ValidationResult.Success()));

    public bool AskAnotherRoute() => AnsiConsole.Confirm("Add another route?", defaultValue: false);
}
