using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpTunnel.Bench;

/// <summary>
/// One target of docs/bench/targets.json: the <see cref="Metric"/> a part's report measures, optionally only for one
/// <see cref="Subject"/>, met when the value is at least <see cref="Min"/> and at most <see cref="Max"/>.
/// </summary>
internal sealed record Target
{
    public required string Metric { get; init; }
    public string? Subject { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public required string Text { get; init; }

    public bool IsMetBy(double value) => !double.IsNaN(value) && (Min is not { } min || value >= min) && (Max is not { } max || value <= max);
}

/// <summary>
/// The targets the report judges against. They are data (docs/bench/targets.json, copied next to the program), not
/// literals in code: goals move from round to round and the report should follow the file, not a rebuild.
/// </summary>
internal static class TargetsFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>targets.json next to the program (the build copies docs/bench/targets.json there).</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "targets.json");

    public static IReadOnlyList<Target> Load(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty; expected {{\"targets\": [...]}}");
            foreach (var target in file.Targets)
            {
                if (target.Min is null && target.Max is null)
                {
                    throw new InvalidDataException($"{path}: target '{target.Metric}' has neither min nor max; give the bound it must meet");
                }
            }

            return file.Targets;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private sealed record Document
    {
        public string? About { get; init; }

        public required IReadOnlyList<Target> Targets { get; init; }
    }
}
