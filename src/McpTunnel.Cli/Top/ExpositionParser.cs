using System.Globalization;

namespace McpTunnel.Cli.Top;

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4) into samples: <c>name{label="value",…} value [timestamp]</c>.
/// Comments, <c>HELP</c> and <c>TYPE</c> lines are skipped (a histogram is recognised by its <c>_bucket</c>/<c>le</c>
/// series, so the types are not needed). The text comes from a process over the network, so a malformed line is
/// dropped rather than thrown on: <c>top</c> keeps showing what it could read.
/// </summary>
internal static class ExpositionParser
{
    public static List<MetricSample> Parse(string? text)
    {
        var samples = new List<MetricSample>();
        if (string.IsNullOrEmpty(text))
        {
            return samples;
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (TryParseLine(line, out var sample))
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    internal static bool TryParseLine(string line, out MetricSample sample)
    {
        sample = null!;
        var position = 0;
        while (position < line.Length && IsNameChar(line[position], position == 0))
        {
            position++;
        }

        if (position == 0)
        {
            return false;
        }

        var name = line[..position];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{' && !TryParseLabels(line, ref position, labels))
        {
            return false;
        }

        // The value, then an optional timestamp (ignored: top stamps its own scrapes).
        var rest = line[position..].Trim();
        var space = rest.IndexOfAny([' ', '\t']);
        var valueText = space < 0 ? rest : rest[..space];
        if (!TryParseValue(valueText, out var value))
        {
            return false;
        }

        sample = new MetricSample(name, labels, value);
        return true;
    }

    private static bool TryParseLabels(string line, ref int position, Dictionary<string, string> labels)
    {
        position++; // '{'
        while (true)
        {
            while (position < line.Length && (line[position] == ' ' || line[position] == ','))
            {
                position++;
            }

            if (position >= line.Length)
            {
                return false;
            }

            if (line[position] == '}')
            {
                position++;
                return true;
            }

            var start = position;
            while (position < line.Length && IsNameChar(line[position], position == start))
            {
                position++;
            }

            if (position == start || position + 1 >= line.Length || line[position] != '=' || line[position + 1] != '"')
            {
                return false;
            }

            var labelName = line[start..position];
            position += 2;
            var value = new System.Text.StringBuilder();
            while (true)
            {
                if (position >= line.Length)
                {
                    return false;
                }

                var c = line[position++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (position >= line.Length)
                    {
                        return false;
                    }

                    var escaped = line[position++];
                    value.Append(escaped switch { 'n' => '\n', _ => escaped });
                    continue;
                }

                value.Append(c);
            }

            labels[labelName] = value.ToString();
        }
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool IsNameChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (!first && c is >= '0' and <= '9');
}
