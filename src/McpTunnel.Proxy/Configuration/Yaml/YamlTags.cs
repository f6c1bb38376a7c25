using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Yaml;

/// <summary>
/// The YAML tag of a node as Go's decoder names it in a type error (<c>cannot unmarshal !!seq into string</c>):
/// the troubleshooting page quotes those texts, so ours are the same.
/// </summary>
internal static class YamlTags
{
    public static string Of(YamlNode node) => node switch
    {
        YamlSequenceNode => "!!seq",
        YamlMappingNode => "!!map",
        _ => "!!str",
    };
}
