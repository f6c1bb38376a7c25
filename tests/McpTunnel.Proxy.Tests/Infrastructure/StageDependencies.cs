using System.Reflection;
using System.Reflection.Emit;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// Which stage of the proxy uses which, read from the compiled proxy: every type a type names in a signature (base,
/// interfaces, fields, parameters, return types) or uses in a method body (calls, <c>new</c>, field access, casts,
/// <c>typeof</c>), compiler-generated types (lambdas, async state machines) counted with the type that holds them.
/// A stage is the top folder under the proxy's namespace (<c>Forwarding</c>, <c>Listener</c>, …).
/// </summary>
internal static class StageDependencies
{
    private const string Proxy = "McpTunnel.Proxy.";

    /// <summary>The top folder under the proxy's namespace (<c>Forwarding</c>, <c>Listener</c>, …) a type belongs to.</summary>
    public static string Stage(Type type) =>
        type.Namespace is { } ns && ns.StartsWith(Proxy, StringComparison.Ordinal) ? ns[Proxy.Length..].Split('.')[0] : "";

    public static List<(Type User, Type Used)> Uses(Assembly assembly)
    {
        var uses = new List<(Type, Type)>();
        foreach (var type in assembly.GetTypes())
        {
            void Add(Type? used)
            {
                if (used is null)
                {
                    return;
                }

                if (used.HasElementType)
                {
                    Add(used.GetElementType());
                    return;
                }

                if (used.IsGenericType && !used.IsGenericTypeDefinition)
                {
                    foreach (var argument in used.GetGenericArguments())
                    {
                        Add(argument);
                    }

                    used = used.GetGenericTypeDefinition();
                }

                if (used.Assembly == assembly && !used.IsGenericParameter)
                {
                    uses.Add((type, used));
                }
            }

            Add(type.BaseType);
            foreach (var implemented in type.GetInterfaces())
            {
                Add(implemented);
            }

            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(all))
            {
                Add(field.FieldType);
            }

            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo info)
                {
                    Add(info.ReturnType);
                }

                foreach (var parameter in method.GetParameters())
                {
                    Add(parameter.ParameterType);
                }

                foreach (var member in BodyMembers(method))
                {
                    Add(member as Type ?? member.DeclaringType);
                    if (member is FieldInfo field)
                    {
                        Add(field.FieldType);
                    }
                    else if (member is MethodInfo called)
                    {
                        Add(called.ReturnType);
                    }
                }
            }
        }

        return uses;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types, methods and fields a method's IL names (calls, <c>new</c>, field access, casts, <c>typeof</c>).</summary>
    private static IEnumerable<MemberInfo> BodyMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    MemberInfo? member = null;
                    try
                    {
                        member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                        // A token the module cannot resolve in this generic context names nothing of ours.
                    }

                    if (member is not null)
                    {
                        yield return member;
                    }

                    at += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }
}
