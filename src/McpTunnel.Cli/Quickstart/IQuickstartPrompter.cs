namespace McpTunnel.Cli.Quickstart;

/// <summary>Asks the questions of the seed's steps 1 and 6 on a terminal. Never asks for the token.</summary>
internal interface IQuickstartPrompter
{
    string AskDomain();

    /// <summary>True: the sample server; false: the user's own server.</summary>
    bool AskUseSample();

    /// <summary>One route as <c>name=scheme://host:port</c>.</summary>
    string AskRoute();

    bool AskAnotherRoute();
}
