namespace McpTunnel.Setup.Api;

/// <summary>
/// The Workload Identity Federation inputs, from <c>ANTHROPIC_*</c> variables. Exactly one
/// of <see cref="IdentityTokenFile"/> and <see cref="IdentityToken"/> is set; the file is read at
/// exchange time so a rotated projected token is always current.
/// </summary>
internal sealed record WorkloadIdentitySettings(
    string FederationRuleId,
    string OrganizationId,
    string? WorkspaceId,
    string? ServiceAccountId,
    string? IdentityTokenFile,
    string? IdentityToken)
{
    public const string FederationRuleIdVariable = "ANTHROPIC_FEDERATION_RULE_ID";
    public const string OrganizationIdVariable = "ANTHROPIC_ORGANIZATION_ID";
    public const string WorkspaceIdVariable = "ANTHROPIC_WORKSPACE_ID";
    public const string ServiceAccountIdVariable = "ANTHROPIC_SERVICE_ACCOUNT_ID";
    public const string IdentityTokenFileVariable = "ANTHROPIC_IDENTITY_TOKEN_FILE";
    public const string IdentityTokenVariable = "ANTHROPIC_IDENTITY_TOKEN";

    /// <summary>Never prints the identity token (records print every property by default).</summary>
    public override string ToString() =>
        $"rule {FederationRuleId}, organization {OrganizationId}, workspace {WorkspaceId ?? "(rule default)"}, identity token from {(IdentityTokenFile is null ? IdentityTokenVariable : IdentityTokenFile)}";

    /// <summary>Reads the environment, adding one message per problem to <paramref name="errors"/>.</summary>
    public static WorkloadIdentitySettings? Bind(SetupHost host, List<string> errors)
    {
        var rule = host.GetEnvironment(FederationRuleIdVariable);
        var organization = host.GetEnvironment(OrganizationIdVariable);
        var file = host.GetEnvironment(IdentityTokenFileVariable);
        var token = host.GetEnvironment(IdentityTokenVariable);
        var count = errors.Count;

        if (rule is null)
        {
            errors.Add($"{FederationRuleIdVariable} is not set: set it to the federation rule ID (fdrl_...) shown in the Console");
        }

        if (organization is null)
        {
            errors.Add($"{OrganizationIdVariable} is not set: set it to your organization's UUID");
        }

        if (file is null && token is null)
        {
            errors.Add($"neither {IdentityTokenFileVariable} nor {IdentityTokenVariable} is set: set exactly one (in Kubernetes, the projected service-account token file)");
        }
        else if (file is not null && token is not null)
        {
            errors.Add($"both {IdentityTokenFileVariable} and {IdentityTokenVariable} are set: unset one of them");
        }

        return errors.Count > count
            ? null
            : new WorkloadIdentitySettings(
                rule!,
                organization!,
                host.GetEnvironment(WorkspaceIdVariable),
                host.GetEnvironment(ServiceAccountIdVariable),
                file,
                token);
    }
}
