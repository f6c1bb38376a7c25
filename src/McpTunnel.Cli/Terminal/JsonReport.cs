using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace McpTunnel.Cli.Terminal;

/// <summary>
/// The <c>--json</c> documents of <c>doctor</c>, <c>check</c> and <c>certs check</c> (shapes in docs/CLI.md): one
/// object on stdout, written with <see cref="Utf8JsonWriter"/> so field names and order are fixed in code rather
/// than by whatever a serializer makes of a type. Every document starts with <c>schema</c> (bumped on a breaking
/// change), <c>command</c>, <c>ok</c> and <c>exitCode</c>.
/// </summary>
internal static class JsonReport
{
    /// <summary>Bumped when a field is removed or changes meaning; adding a field is not a breaking change.</summary>
    public const int SchemaVersion = 1;

    public static Option<bool> CreateOption() => new("--json")
    {
        Description = "Print one JSON document on stdout instead of the text report (shape: docs/CLI.md); exit codes unchanged",
    };

    public static void Write(TextWriter output, string command, int exitCode, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", SchemaVersion);
            json.WriteString("command", command);
            json.WriteBoolean("ok", exitCode == 0);
            json.WriteNumber("exitCode", exitCode);
            body(json);
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Writes <paramref name="value"/>, or <c>null</c>: optional fields are always present, so a reader never guesses.</summary>
    public static void WriteStringOrNull(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>Writes <paramref name="values"/> as an array of strings, or <c>null</c> when there is no list at all.</summary>
    public static void WriteStrings(this Utf8JsonWriter json, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>Writes an array with one object per item, whose fields <paramref name="writeFields"/> writes.</summary>
    public static void WriteObjects<T>(this Utf8JsonWriter json, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFields)
    {
        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeFields(json, item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Writes <paramref name="value"/> as an object whose fields <paramref name="writeFields"/> writes, or <c>null</c>.</summary>
    public static void WriteObjectOrNull<T>(this Utf8JsonWriter json, string name, T? value, Action<Utf8JsonWriter, T> writeFields)
        where T : class
    {
        if (value is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        writeFields(json, value);
        json.WriteEndObject();
    }
}
