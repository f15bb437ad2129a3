using System.Diagnostics;

namespace KnowledgeBase.Tests.Operations;

/// <summary>A bad setting stops the api and the silo at start-up with one line that names the variable, instead of a
/// stack trace or a silent fallback (a misspelt BUDGET_TIMEZONE used to count budgets in KST without a word).</summary>
public sealed class StartupConfigurationTests
{
    [Theory]
    [InlineData("api", "KnowledgeBase.Api.dll", "BUDGET_TIMEZONE", "Asia/Seol")]
    [InlineData("api", "KnowledgeBase.Api.dll", "CHUNK_TOKENS", "lots")]
    [InlineData("silo", "KnowledgeBase.Silo.dll", "BUDGET_TIMEZONE", "Mars/Olympus_Mons")]
    [InlineData("api", "KnowledgeBase.Api.dll", "SIGNUP_MODE", "closed", "prod")]
    [InlineData("api", "KnowledgeBase.Api.dll", "KNOWN_PROXIES", "proxy.internal", "prod")]
    // In prod an open sign-up that nothing can verify (no SMTP_HOST, no single sign-on) is a bad setting too.
    [InlineData("api", "KnowledgeBase.Api.dll", "SIGNUP_MODE", "open", "prod")]
    public async Task A_bad_setting_stops_start_up_with_one_line_naming_it(string project, string assembly, string variable, string value, string appEnv = "dev")
    {
        var root = Path.Combine(Path.GetTempPath(), "kb-startup-" + Guid.NewGuid().ToString("N")[..10]);
        var info = new ProcessStartInfo("dotnet", $"\"{HostProcess.DllPath(project, assembly)}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.Environment["DATA_DIR"] = Path.Combine(root, "data");
        info.Environment["STORAGE_DIR"] = Path.Combine(root, "storage");
        info.Environment["LOG_DIR"] = Path.Combine(root, "logs");
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ApiFactory.FreePort()}";
        info.Environment["SILO_PORT"] = ApiFactory.FreePort().ToString();
        info.Environment["GATEWAY_PORT"] = ApiFactory.FreePort().ToString();
        info.Environment["APP_ENV"] = appEnv;
        info.Environment[variable] = value;
        try
        {
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(2, process.ExitCode);
            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("configuration error: ", line);
            Assert.Contains(variable, line);
            Assert.Contains(value, line);
            Assert.DoesNotContain(" at ", await stdout);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
