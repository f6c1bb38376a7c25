using McpTunnel.Fuzz;
using SharpFuzz;

// One harness per parser that reads untrusted bytes. Each either returns normally or throws only what its
// contract allows; anything else reaches AFL++ as a crash. `McpTunnel.Fuzz TARGET` runs under afl-fuzz;
// `McpTunnel.Fuzz TARGET FILE...` replays inputs (corpus checks and crash reproduction) without AFL.
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: McpTunnel.Fuzz {string.Join("|", FuzzTargets.All.Keys)} [FILE...]");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        target(File.ReadAllBytes(file));
    }

    Console.WriteLine($"{args[0]}: {args.Length - 1} inputs replayed, none failed");
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
});
return 0;
