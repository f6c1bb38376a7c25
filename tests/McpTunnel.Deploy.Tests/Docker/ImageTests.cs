using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Docker;

/// <summary>
/// Static checks of the image definition (no container engine runs here): /setup beside mcp-proxy in one image, UID 65532, nothing written to the read-only root.
/// tests/deploy/runtime-check.sh runs the published binaries the same way as UID 65532.
/// </summary>
public class ImageTests
{
    [Fact]
    public void Dockerfile_IsMultiStage_SdkBuildThenChiseledRuntime()
    {
        var froms = Dockerfile.Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Args).ToList();
        Assert.True(froms.Count >= 2);
        Assert.Contains(froms, f => f.Contains("${SDK_IMAGE}", StringComparison.Ordinal) && f.EndsWith("AS build", StringComparison.Ordinal));
        Assert.Matches(@"ARG SDK_IMAGE=mcr\.microsoft\.com/dotnet/sdk:\$\{DOTNET_VERSION\}", Dockerfile.Text);
        Assert.Matches(@"ARG RUNTIME_IMAGE=mcr\.microsoft\.com/dotnet/aspnet:\$\{DOTNET_VERSION\}-noble-chiseled", Dockerfile.Text);
        Assert.Matches(@"ARG DOTNET_VERSION=10\.0\b", Dockerfile.Text);
        Assert.Equal("runtime-base AS runtime", froms[^1]);
        Assert.Contains("${RUNTIME_IMAGE} AS runtime-base", froms);
    }

    [Fact]
    public void FinalStage_HasNoShellSteps_AndRunsAs65532()
    {
        var final = Dockerfile.Final.ToList();
        Assert.DoesNotContain(final, i => i.Keyword is "RUN" or "VOLUME");
        Assert.Equal("65532:65532", Assert.Single(final, i => i.Keyword == "USER").Args);
    }

    [Fact]
    public void FinalStage_HealthCheck_RunsTheExecutableItself_InExecForm()
    {
        // No shell in the image: the check must be the exec form of mcp-proxy's own probe mode (-healthcheck → /readyz).
        var check = Assert.Single(Dockerfile.Final, i => i.Keyword == "HEALTHCHECK");
        Assert.EndsWith("CMD [\"/mcp-proxy\", \"-healthcheck\"]", check.Args, StringComparison.Ordinal);
    }

    [Fact]
    public void FinalStage_EntrypointIsMcpProxy_WithSetupBeside()
    {
        var final = Dockerfile.Final.ToList();
        Assert.Equal("[\"/mcp-proxy\"]", Assert.Single(final, i => i.Keyword == "ENTRYPOINT").Args);
        Assert.DoesNotContain(final, i => i.Keyword == "CMD"); // the binary's default is /etc/mcp-gateway/config.yaml
        Assert.Contains(final, i => i.Keyword == "COPY" && i.Args == "--from=build --chown=0:0 /rootfs/ /");
        var stage = string.Join("\n", Dockerfile.Instructions.Where(i => i.Keyword == "RUN").Select(i => i.Args));
        Assert.Contains("cp /out/mcp-proxy /out/setup /rootfs/", stage, StringComparison.Ordinal);
        Assert.Contains("chmod 0555 /rootfs/mcp-proxy /rootfs/setup", stage, StringComparison.Ordinal);
        Assert.Contains("mkdir -p /rootfs/etc/mcp-gateway /rootfs-data/data", stage, StringComparison.Ordinal);
        Assert.Contains("nonroot:x:65532:65532:", stage, StringComparison.Ordinal);
    }

    [Fact]
    public void FinalStage_Environment_WritesNothingToTheRootFilesystem()
    {
        var env = string.Join(" ", Dockerfile.Final.Where(i => i.Keyword == "ENV").Select(i => i.Args));
        Assert.Contains("DOTNET_EnableDiagnostics=0", env, StringComparison.Ordinal);
        Assert.Contains("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", env, StringComparison.Ordinal);
        Assert.Contains("HOME=/nonexistent", env, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_HTTP_PORTS= ", env + " ", StringComparison.Ordinal);
        Assert.Contains("<InvariantGlobalization>true</InvariantGlobalization>", File.ReadAllText(RepoPaths.Of("Directory.Build.props")), StringComparison.Ordinal);
    }

    [Fact]
    public void FinalStage_CarriesOciLabels()
    {
        var labels = string.Join(" ", Dockerfile.Final.Where(i => i.Keyword == "LABEL").Select(i => i.Args));
        foreach (var key in new[] { "title", "description", "version", "revision", "created", "source", "base.name" })
        {
            Assert.Contains($"org.opencontainers.image.{key}=", labels, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Build_PublishesWithTheSharedScript_FrameworkDependentSingleFile()
    {
        Assert.Contains(Dockerfile.Instructions, i => i.Keyword == "RUN" && i.Args.Contains("./deploy/docker/publish.sh /out \"$rid\"", StringComparison.Ordinal));
        var script = File.ReadAllText(RepoPaths.Of("deploy", "docker", "publish.sh"));
        Assert.Contains("--self-contained false", script, StringComparison.Ordinal);
        Assert.Contains("-p:PublishSingleFile=true", script, StringComparison.Ordinal);
        Assert.Contains("for project in McpTunnel.Proxy McpTunnel.Setup", script, StringComparison.Ordinal);
        Assert.Contains("<AssemblyName>mcp-proxy</AssemblyName>", File.ReadAllText(RepoPaths.Of("src", "McpTunnel.Proxy", "McpTunnel.Proxy.csproj")), StringComparison.Ordinal);
        Assert.Contains("<AssemblyName>setup</AssemblyName>", File.ReadAllText(RepoPaths.Of("src", "McpTunnel.Setup", "McpTunnel.Setup.csproj")), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DefaultsToNativeAot_JitStaysABuildArg_ToolchainLayerBeforeTheSources()
    {
        Assert.Contains("ARG MCP_PROXY_BUILD=aot", Dockerfile.Text, StringComparison.Ordinal);
        var build = Dockerfile.Instructions.Where(i => i.Stage == Dockerfile.Instructions.Single(x => x.Keyword == "FROM" && x.Args.EndsWith("AS build", StringComparison.Ordinal)).Stage).ToList();
        Assert.Contains(build, i => i.Keyword == "ARG" && i.Args == "MCP_PROXY_BUILD");
        var toolchain = build.FindIndex(i => i.Keyword == "RUN" && i.Args.Contains("./deploy/docker/aot-toolchain.sh \"${TARGETARCH:-$(dpkg --print-architecture)}\"", StringComparison.Ordinal));
        var sources = build.FindIndex(i => i.Keyword == "COPY" && i.Args == "src/ src/");
        var publish = build.FindIndex(i => i.Keyword == "RUN" && i.Args.Contains("MCP_PROXY_NATIVE_AOT=$aot ./deploy/docker/publish.sh /out \"$rid\"", StringComparison.Ordinal));
        Assert.True(toolchain >= 0 && sources > toolchain && publish > sources, $"toolchain {toolchain}, sources {sources}, publish {publish}");
        Assert.Contains("jit) ;;", build[toolchain].Args, StringComparison.Ordinal);
        Assert.Contains("MCP_PROXY_BUILD must be aot or jit", build[toolchain].Args, StringComparison.Ordinal);

        var script = File.ReadAllText(RepoPaths.Of("deploy", "docker", "publish.sh"));
        Assert.Contains("-p:PublishAot=true", script, StringComparison.Ordinal);
        Assert.Contains("x86_64:linux-arm64) aot_cross=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)", script, StringComparison.Ordinal);
        var toolchainScript = File.ReadAllText(RepoPaths.Of("deploy", "docker", "aot-toolchain.sh"));
        Assert.Contains("\"gcc-$package_triple\" \"binutils-$package_triple\"", toolchainScript, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_AdmitsExactlyWhatTheBuildCopies()
    {
        var ignore = File.ReadAllLines(RepoPaths.Of("deploy", "docker", "Dockerfile.dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal("*", ignore[0]);
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);

        var copied = Dockerfile.Instructions
            .Where(i => i.Keyword == "COPY" && !i.Args.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]);
        foreach (var source in copied)
        {
            Assert.Contains("!" + source, ignore);
            Assert.True(File.Exists(RepoPaths.Of(source)) || Directory.Exists(RepoPaths.Of(source)), source + " missing from the build context");
        }
    }

    [Fact]
    public void Build_CopiesEveryRootFileThatShapesTheBuild()
    {
        var copied = Dockerfile.Instructions
            .Where(i => i.Keyword == "COPY" && !i.Args.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToHashSet();
        var inputs = new[] { ".editorconfig", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config" };
        foreach (var file in inputs.Where(f => File.Exists(RepoPaths.Of(f))))
        {
            Assert.True(copied.Contains(file), $"{file} affects the build but the image's build stage does not copy it");
        }
    }
}
