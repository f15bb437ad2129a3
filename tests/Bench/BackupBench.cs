using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgeBase.LocalCluster;

namespace KnowledgeBase.Bench;

/// <summary>Recovery time at a realistic size: the real api process is filled with the five statutes, the KorQuAD 1.0
/// dev paragraphs (one document each, --repeat N copies), users and conversations; a backup is taken through the admin
/// endpoint; the process is killed and its data destroyed; the `restore` verb runs as an operator would run it; the api
/// starts again and answers the same question. RTO = restore + start + first answer.</summary>
public static class BackupBench
{
    private const string Password = "correct-horse-battery";
    private const string Question = "연차 유급휴가는 며칠인가요?";

    public static async Task<int> RunAsync(string[] args)
    {
        var sharedData = Option(args, "--data") ?? Path.GetFullPath(Path.Combine(HostProcess.RepoRoot(), "..", "shared", "data"));
        var repeat = int.Parse(Option(args, "--repeat") ?? "1");
        var userCount = int.Parse(Option(args, "--users") ?? "20");
        var root = Path.Combine(Path.GetTempPath(), "kb-bench-backup", Guid.NewGuid().ToString("N")[..8]);
        var backups = Path.Combine(root, "backups");
        var environment = BenchEnvironment.ForApi(root);
        environment["BACKUP_TARGET"] = backups;
        Directory.CreateDirectory(root);
        try
        {
            string answer;
            int documents;
            await using (var api = await StartAsync(environment))
            {
                var admin = await SignInAsync(api, BenchEnvironment.AdminEmail);
                var fill = Stopwatch.StartNew();
                documents = await UploadCorpusAsync(admin, sharedData, repeat);
                for (var i = 0; i < userCount; i++)
                {
                    var user = await SignInAsync(api, $"bench{i:D3}@soosan.com");
                    (await user.PostAsJsonAsync("/api/chat", new { question = "퇴직금은 어떻게 계산하나요?" })).EnsureSuccessStatusCode();
                }
                answer = await AskAsync(admin);
                Console.WriteLine($"filled: {documents} documents, {await ChunksAsync(admin)} chunks, {userCount + 1} users in {fill.Elapsed.TotalSeconds:F1} s");

                var took = Stopwatch.StartNew();
                var response = await admin.PostAsJsonAsync("/api/admin/backups", new { });
                response.EnsureSuccessStatusCode();
                var result = await response.Content.ReadFromJsonAsync<JsonElement>();
                Console.WriteLine($"backup: {result.GetProperty("files").GetInt32()} files, {result.GetProperty("bytesCopied").GetInt64() / 1e6:F1} MB in {took.Elapsed.TotalSeconds:F1} s");
                foreach (var note in result.GetProperty("notes").EnumerateArray()) Console.WriteLine("  " + note.GetString());
                api.Kill();
            }

            foreach (var dir in new[] { "data", "storage", "logs" }) Directory.Delete(Path.Combine(root, dir), recursive: true);
            Console.WriteLine("data destroyed (database, index, document files, logs)");

            var rto = Stopwatch.StartNew();
            var restore = await RunVerbAsync(environment, "restore", "--from", backups);
            var restored = rto.Elapsed;
            Console.WriteLine(restore.Trim());
            await using (var api = await StartAsync(environment))
            {
                var started = rto.Elapsed;
                var admin = await SignInAsync(api, BenchEnvironment.AdminEmail);
                var again = await AskAsync(admin);
                var total = rto.Elapsed;
                var chunks = await ChunksAsync(admin);
                Console.WriteLine($"after restore: {chunks} chunks; same answer: {again == answer}");
                Console.WriteLine($"RTO: restore {restored.TotalSeconds:F1} s + start {(started - restored).TotalSeconds:F1} s + first answer {(total - started).TotalSeconds:F1} s = {total.TotalSeconds:F1} s for {documents} documents");
                return again == answer ? 0 : 1;
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static Task<HostProcess> StartAsync(Dictionary<string, string> environment)
    {
        var port = LocalServers.FreePort();
        var env = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["SILO_PORT"] = LocalServers.FreePort().ToString(),
            ["GATEWAY_PORT"] = LocalServers.FreePort().ToString(),
        };
        return HostProcess.StartAsync(HostProcess.DllPath("api", "KnowledgeBase.Api.dll"), env, port);
    }

    private static async Task<string> RunVerbAsync(Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(HostProcess.DllPath("api", "KnowledgeBase.Api.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args)} exited with {process.ExitCode}:\n{output}");
        return output;
    }

    private static async Task<int> UploadCorpusAsync(HttpClient admin, string sharedData, int repeat)
    {
        var files = Directory.GetFiles(Path.Combine(sharedData, "labor-law"), "*-act.md").Concat(Directory.GetFiles(Path.Combine(sharedData, "labor-law"), "*-decree.md"))
            .Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToList();
        using var korquad = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(sharedData, "korquad", "KorQuAD_v1.0_dev.json")));
        var n = 0;
        for (var copy = 0; copy < repeat; copy++)
            foreach (var article in korquad.RootElement.GetProperty("data").EnumerateArray())
                foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
                    files.Add(($"korquad-{copy}-{n++:D5}.txt",
                        Encoding.UTF8.GetBytes($"{article.GetProperty("title").GetString()} ({copy})\n\n{paragraph.GetProperty("context").GetString()}\n")));

        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (file, ct) =>
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(file.Bytes), "file", file.Name } };
            var response = await admin.PostAsync("/api/documents", form, ct);
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("documentId").GetString()!);
        });
        foreach (var id in ids)
            while ((await admin.GetFromJsonAsync<JsonElement>($"/api/documents/{id}")).GetProperty("status").GetString() is var status && status != "ready")
            {
                if (status == "failed") throw new InvalidOperationException($"{id} failed to ingest");
                await Task.Delay(50);
            }
        return files.Count;
    }

    private static async Task<long> ChunksAsync(HttpClient admin)
    {
        long chunks = 0;
        for (var skip = 0; ; skip += 200)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/documents?skip={skip}&take=200");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            chunks += items.Sum(i => i.GetProperty("chunkCount").GetInt64());
            if (items.Count < 200) return chunks;
        }
    }

    private static async Task<string> AskAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/chat", new { question = Question });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answer").GetString()!;
    }

    private static async Task<HttpClient> SignInAsync(HostProcess api, string email)
    {
        var client = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromMinutes(5) };
        var token = await SignUp.SignInAsync(client, api.Lines, email, Password, email.Split('@')[0]);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
