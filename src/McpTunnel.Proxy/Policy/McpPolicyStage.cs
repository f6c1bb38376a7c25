using System.Buffers;
using McpTunnel.Proxy.Logging;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The MCP policy stage, between routing and forwarding, for routes that have a policy (docs/ARCHITECTURE.md
/// "MCP policy"). A POST body is held until it is whole (up to <c>max_message_size</c>), read as the server will
/// read it, and either forwarded as exactly those bytes or answered here; nothing of a refused request reaches the
/// upstream. GET streams and DELETE carry no message and pass untouched.
/// <code>
///   (1) POST? else pass     (2) hold the body ─▶ too large: 413          (3) read it ─▶ unreadable: 400 (fail closed)
///   (4) Mcp-Method / Mcp-Name agree with it? ─▶ else 400 -32020          (5) every message allowed? ─▶ else 200 denial
///   (6) a list request? its answer will be filtered                   (7) limits (route, then each tool) ─▶ over: 429
///   (8) forward the held bytes
/// </code>
/// </summary>
internal sealed class McpPolicyStage(PolicyLimiters limiters, ILogger logger, Action<string, PolicyReason>? counted = null, Func<ArgumentRecorder?>? arguments = null)
{
    /// <summary>Longest client-supplied name written to a log line or an answer; longer ones are cut.</summary>
    private const int MaxLoggedName = 128;

    public async Task<PolicyAdmission> AdmitAsync(HttpContext context, RoutePolicy policy)
    {
        var route = policy.Route;

        // Step 1
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return PolicyAdmission.Untouched;
        }

        // Step 2
        var max = policy.Settings.MaxMessageBytes;
        byte[]? body;
        try
        {
            body = request.ContentLength > max ? null : await HoldAsync(request.BodyReader, max, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel refused the body's framing or rate: it says how (400, 408), as it would on the forwarding path.
            ProxyLog.RequestBodyRejected(logger, route, ex.StatusCode, ex.Message);
            await PolicyAnswer.WriteAsync(context, ex.StatusCode, PolicyAnswer.Error(null, JsonRpcErrorCodes.InvalidRequest, "The request body could not be read."));
            return PolicyAdmission.Answered(null, new RequestVerdict(PolicyReason.Unreadable, null, "the request body could not be read", JsonRpcErrorCodes.InvalidRequest));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException || context.RequestAborted.IsCancellationRequested)
        {
            context.Abort();
            return PolicyAdmission.Abandoned;
        }

        if (body is null)
        {
            var tooLarge = Refused(route, PolicyReason.TooLarge, null, null, $"policy.{route}.max_message_size {max} bytes", JsonRpcErrorCodes.InvalidRequest);
            await PolicyAnswer.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, PolicyAnswer.Error(null, JsonRpcErrorCodes.InvalidRequest,
                $"The request is larger than this MCP tunnel's policy inspects ({max} bytes); it was not forwarded."));
            return PolicyAdmission.Answered(null, tooLarge);
        }

        // Step 3
        var read = McpBodyReader.Read(body, arguments?.Invoke()); // the audit settings of now: a reload may change them
        if (read.Body is not { } parsed)
        {
            var unreadable = Refused(route, PolicyReason.Unreadable, null, null, read.Error!, read.ErrorCode);
            await PolicyAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, PolicyAnswer.Error(null, read.ErrorCode,
                $"This MCP tunnel's policy could not read the request ({read.Error}); it was not forwarded."));
            return PolicyAdmission.Answered(null, unreadable, body.Length);
        }

        // Step 4: protocol 2026-07-28 names the method and target in headers; they must say what the body says.
        if (HeaderMismatch(request.Headers, parsed) is { } mismatch)
        {
            var mismatched = Refused(route, PolicyReason.HeaderMismatch, parsed.Messages[0].Method, null, mismatch, PolicyAnswer.HeaderMismatch);
            await PolicyAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, PolicyAnswer.Error(parsed.IsBatch ? null : parsed.Messages[0].Id, PolicyAnswer.HeaderMismatch,
                $"Header mismatch: {mismatch}."));
            return PolicyAdmission.Answered(parsed, mismatched, body.Length);
        }

        // Step 5
        var decisions = new MessageDecision[parsed.Messages.Count];
        RequestVerdict? refusal = null;
        var verdict = RequestVerdict.NotSubject;
        for (var i = 0; i < decisions.Length; i++)
        {
            decisions[i] = policy.Decide(parsed.Messages[i]);
            if (!decisions[i].Forwardable)
            {
                var denial = DenialFor(route, decisions[i], parsed.Messages[i]);
                var refusedHere = Refused(route, decisions[i].Reason, parsed.Messages[i].Method, decisions[i].Name, decisions[i].Rule, denial.AsToolResult ? null : denial.Code);
                refusal ??= refusedHere;
            }
            else if (verdict.Reason == PolicyReason.NotSubject && decisions[i].Reason == PolicyReason.Allowed)
            {
                verdict = new RequestVerdict(PolicyReason.Allowed, decisions[i].Name, decisions[i].Rule);
            }
        }

        if (refusal is { } refusedVerdict)
        {
            var answer = PolicyAnswer.ForMessages(parsed, (message, i) => DenialFor(route, decisions[i], message), PolicyAnswer.NeedsResultType(request));
            await PolicyAnswer.WriteAsync(context, StatusCodes.Status200OK, answer);
            return PolicyAdmission.Answered(parsed, refusedVerdict, body.Length);
        }

        // Step 6: a list request gets its answer filtered. In a batch the answers are mixed with others', so list
        // requests that need filtering are refused there (clients send them alone; batches left MCP in 2025-06-18).
        ListResponseFilter? filter = null;
        foreach (var message in parsed.Messages)
        {
            if (policy.ListFilterFor(message.Target) is { } rules)
            {
                if (parsed.IsBatch)
                {
                    var inBatch = Refused(route, PolicyReason.Unreadable, message.Method, null, "a list request in a batch cannot be filtered", JsonRpcErrorCodes.InvalidRequest);
                    await PolicyAnswer.WriteAsync(context, StatusCodes.Status200OK, PolicyAnswer.ForMessages(parsed, (_, _) =>
                        (JsonRpcErrorCodes.InvalidRequest, "Not forwarded: this MCP tunnel filters list results and cannot inside a batch; send list requests on their own.", false)));
                    return PolicyAdmission.Answered(parsed, inBatch, body.Length);
                }

                filter = new ListResponseFilter(rules, message.Target, policy.Settings.MaxListResponseBytes);
            }
        }

        // Step 7
        var admission = new PolicyAdmission(parsed, verdict) { ResponseFilter = filter, BodyBytes = body.Length };
        if (Limit(route, policy, parsed, admission) is { } over)
        {
            admission.Undo();
            var limited = Refused(route, over.Result.Reason, over.Message?.Method, over.Message?.TargetName, over.Description, PolicyAnswer.LimitReached);
            var text = $"This MCP tunnel limits {over.Description}; retry after {Math.Max(1, (int)Math.Ceiling(over.Result.RetryAfter.TotalSeconds))} s.";
            var answer = PolicyAnswer.ForMessages(parsed, (_, _) => (PolicyAnswer.LimitReached, text, false));
            await PolicyAnswer.WriteAsync(context, StatusCodes.Status429TooManyRequests, answer, over.Result.RetryAfter);
            return PolicyAdmission.Answered(parsed, limited, body.Length);
        }

        // Step 8
        context.Features.Set<IRequestBodyPipeFeature>(new HeldRequestBody(body));
        return admission;
    }

    private static async Task<byte[]?> HoldAsync(System.IO.Pipelines.PipeReader reader, long max, CancellationToken aborted)
    {
        while (true)
        {
            var result = await reader.ReadAsync(aborted);
            var buffer = result.Buffer;
            if (buffer.Length > max)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("the request body read was cancelled");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static string? HeaderMismatch(IHeaderDictionary headers, McpBody body)
    {
        var hasMethod = headers.TryGetValue("Mcp-Method", out var method) && method.Count > 0;
        var hasName = headers.TryGetValue("Mcp-Name", out var name) && name.Count > 0;
        if (!hasMethod && !hasName)
        {
            return null;
        }

        if (body.IsBatch)
        {
            return "Mcp-Method/Mcp-Name headers name one message, but the body is a batch";
        }

        var message = body.Messages[0];
        if (hasMethod && !string.Equals(method.ToString(), message.Method, StringComparison.Ordinal))
        {
            return $"the Mcp-Method header does not match the body's method";
        }

        if (hasName && message.Target is PolicyTarget.Tool or PolicyTarget.Prompt or PolicyTarget.Resource
            && !string.Equals(name.ToString(), message.TargetName, StringComparison.Ordinal))
        {
            return $"the Mcp-Name header does not match the name in the body";
        }

        return null;
    }

    private static (int Code, string Message, bool AsToolResult) DenialFor(string route, MessageDecision decision, McpMessage message)
    {
        var name = Cut(decision.Name);
        return decision.Reason switch
        {
            PolicyReason.Denied when message.Target == PolicyTarget.Tool =>
                (0, $"The tool \"{name}\" is not available: this MCP tunnel's policy for {route} does not allow it. Do not retry it; use another tool.", true),
            PolicyReason.Denied when message.Target == PolicyTarget.Prompt =>
                (JsonRpcErrorCodes.InvalidParams, $"Invalid prompt name: \"{name}\" is not allowed by this MCP tunnel's policy for {route}.", false),
            PolicyReason.Denied =>
                (PolicyAnswer.ResourceNotFound, $"Resource not found: \"{name}\" is not allowed by this MCP tunnel's policy for {route}.", false),
            PolicyReason.Unreadable =>
                (JsonRpcErrorCodes.InvalidParams, $"This MCP tunnel's policy could not read which {decision.Kind} {message.Method} names; it was not forwarded.", false),
            _ => (JsonRpcErrorCodes.InvalidRequest, "Not forwarded: this batch also holds a call this MCP tunnel's policy refuses; send this call on its own.", false),
        };
    }

    private OverLimit? Limit(string route, RoutePolicy policy, McpBody body, PolicyAdmission admission)
    {
        var settings = policy.Settings;
        if (settings.Limits is { } routeLimits && body.Messages.Any(m => m.IsRequest))
        {
            var limiter = limiters.For(route, null, routeLimits);
            var result = limiter.TryEnter();
            if (!result.Admitted)
            {
                return new OverLimit(result, null, Describe($"route {route}", routeLimits, result.Reason));
            }

            admission.Hold(limiter);
        }

        foreach (var message in body.Messages)
        {
            if (message.Target == PolicyTarget.Tool && message.TargetName is { } tool && settings.ToolLimits.TryGetValue(tool, out var toolLimits))
            {
                var limiter = limiters.For(route, tool, toolLimits);
                var result = limiter.TryEnter();
                if (!result.Admitted)
                {
                    return new OverLimit(result, message, Describe($"the tool \"{Cut(tool)}\" on {route}", toolLimits, result.Reason));
                }

                admission.Hold(limiter);
            }
        }

        return null;
    }

    private static string Describe(string what, Configuration.CallLimitSettings limits, PolicyReason reason) => reason == PolicyReason.ConcurrencyLimited
        ? $"{what} to {limits.Concurrency} call{(limits.Concurrency == 1 ? "" : "s")} at a time"
        : $"{what} to {limits.Rate} call{(limits.Rate == 1 ? "" : "s")} per {McpTunnel.Common.GoDuration.Format(limits.Period)}";

    private RequestVerdict Refused(string route, PolicyReason reason, string? method, string? name, string rule, int? answerCode)
    {
        ProxyLog.PolicyRefused(logger, route, reason.ToString(), Cut(method) ?? "", Cut(name) ?? "", rule);
        counted?.Invoke(route, reason);
        return new RequestVerdict(reason, name, rule, answerCode);
    }

    private static string? Cut(string? text) => text is { Length: > MaxLoggedName } ? text[..MaxLoggedName] + "…" : text;

    private sealed record OverLimit(LimitResult Result, McpMessage? Message, string Description);
}
