namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// One allow or deny entry: a glob over a tool name, prompt name or resource URI. <c>*</c> matches any run of
/// characters (slashes included: URIs are names here, not paths), <c>?</c> exactly one, <c>\</c> makes the next
/// character literal; everything else matches itself, case-sensitively, because MCP names are. Matching is linear in
/// the name's length times the pattern's (no backtracking blow-up on hostile names).
/// </summary>
internal sealed class NamePattern
{
    private readonly Token[] _tokens;

    private NamePattern(string text, Token[] tokens)
    {
        Text = text;
        _tokens = tokens;
    }

    /// <summary>The pattern as the operator wrote it (what <c>check --explain</c> quotes as the rule).</summary>
    public string Text { get; }

    public static bool TryParse(string text, out NamePattern? pattern, out string? error)
    {
        pattern = null;
        if (text.Length == 0)
        {
            error = "is empty";
            return false;
        }

        var tokens = new List<Token>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                error = $"has a control character (U+{(int)c:X4}) at position {i + 1}";
                return false;
            }

            switch (c)
            {
                case '*':
                    if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Star)
                    {
                        tokens.Add(new Token(TokenKind.Star, '\0'));
                    }

                    break;
                case '?':
                    tokens.Add(new Token(TokenKind.One, '\0'));
                    break;
                case '\\':
                    if (i + 1 == text.Length)
                    {
                        error = "ends with a lone \\ (write \\\\ for a backslash)";
                        return false;
                    }

                    tokens.Add(new Token(TokenKind.Literal, text[++i]));
                    break;
                default:
                    tokens.Add(new Token(TokenKind.Literal, c));
                    break;
            }
        }

        error = null;
        pattern = new NamePattern(text, [.. tokens]);
        return true;
    }

    public bool IsMatch(ReadOnlySpan<char> name)
    {
        // Iterative glob match with one remembered star: the classic linear-time wildcard algorithm.
        int t = 0, n = 0, starToken = -1, starName = 0;
        while (n < name.Length)
        {
            if (t < _tokens.Length && (_tokens[t].Kind == TokenKind.One || (_tokens[t].Kind == TokenKind.Literal && _tokens[t].Char == name[n])))
            {
                t++;
                n++;
            }
            else if (t < _tokens.Length && _tokens[t].Kind == TokenKind.Star)
            {
                starToken = t++;
                starName = n;
            }
            else if (starToken >= 0)
            {
                t = starToken + 1;
                n = ++starName;
            }
            else
            {
                return false;
            }
        }

        while (t < _tokens.Length && _tokens[t].Kind == TokenKind.Star)
        {
            t++;
        }

        return t == _tokens.Length;
    }

    public override string ToString() => Text;

    private enum TokenKind : byte
    {
        Literal,
        One,
        Star,
    }

    private readonly record struct Token(TokenKind Kind, char Char);
}
