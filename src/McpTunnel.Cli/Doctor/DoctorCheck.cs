using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Doctor;

/// <summary>The layers in the troubleshooting docs' diagnosis order, as doctor walks them.</summary>
internal enum DoctorLayer
{
    Config,
    Proxy,
    InnerTls,
    Upstream,

    /// <summary>The running proxy's own view (<c>doctor --admin</c>): <c>/readyz</c> and the failure counters in <c>/metrics</c>.</summary>
    Admin,

    /// <summary>OAuth discovery through the tunnel (<c>doctor --oauth URL</c>), as Claude's backend walks it.</summary>
    OAuth,
}

internal enum DoctorStatus
{
    Pass,
    Warn,
    Fail,
    Skip,
}

/// <summary>One line of the report: what was checked, what was found, and for a failure the troubleshooting row and fix.</summary>
internal sealed record DoctorCheck(DoctorLayer Layer, string Subject, string Name, DoctorStatus Status, string Detail)
{
    public TroubleshootingRow? Row { get; init; }

    /// <summary>A fix more specific than the row's (e.g. a certificate rule's).</summary>
    public string? Fix { get; init; }

    public static DoctorCheck Pass(DoctorLayer layer, string subject, string name, string detail) => new(layer, subject, name, DoctorStatus.Pass, detail);

    public static DoctorCheck Warn(DoctorLayer layer, string subject, string name, string detail, string? fix = null) =>
        new(layer, subject, name, DoctorStatus.Warn, detail) { Fix = fix };

    public static DoctorCheck Fail(DoctorLayer layer, string subject, string name, string detail, TroubleshootingRow? row, string? fix = null) =>
        new(layer, subject, name, DoctorStatus.Fail, detail) { Row = row, Fix = fix };
}

/// <summary>Every check in order; <paramref name="onAdd"/> prints each as it happens, so a slow probe shows progress.</summary>
internal sealed class DoctorReport(Action<DoctorCheck>? onAdd = null)
{
    private readonly List<DoctorCheck> _checks = [];

    public IReadOnlyList<DoctorCheck> Checks => _checks;

    public bool Passed => _checks.All(c => c.Status != DoctorStatus.Fail);

    public IEnumerable<DoctorCheck> Failures => _checks.Where(c => c.Status == DoctorStatus.Fail);

    public DoctorLayer? FirstBrokenLayer => Failures.Select(c => (DoctorLayer?)c.Layer).FirstOrDefault();

    public void Add(DoctorCheck check)
    {
        _checks.Add(check);
        onAdd?.Invoke(check);
    }

    public bool LayerFailed(DoctorLayer layer) => _checks.Any(c => c.Layer == layer && c.Status == DoctorStatus.Fail);
}
