using System.Reflection;
using System.Text.RegularExpressions;

namespace KnowledgeBase.Tests.Api;

/// <summary>The server sends error codes and English details; the web UI words every code in Korean and English.</summary>
public sealed partial class ErrorCodeTests
{
    private static readonly string[] WordingFiles = ["api/wwwroot/js/i18n.js", "api/wwwroot/js/error-text.js"];

    // E-mails are worded by the server (no page shows them), in both languages at once.
    private static readonly string[] EmailFiles = ["api/Accounts/AccountLinks.cs", "api/Accounts/AccountMail.cs"];

    public static TheoryData<string> Codes()
    {
        var data = new TheoryData<string>();
        foreach (var field in typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            data.Add((string)field.GetRawConstantValue()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_error_code_has_a_korean_and_an_english_wording_in_the_ui(string code)
    {
        var key = $"'err.{code}':";
        var (korean, english) = (false, false);
        foreach (var file in WordingFiles)
        {
            var text = File.ReadAllText(Path.Combine(TestData.RepoRoot, file));
            var split = text.IndexOf("\n  en: {", StringComparison.Ordinal);
            Assert.True(split > 0, $"{file} has no en block");
            korean |= text[..split].Contains(key, StringComparison.Ordinal);
            english |= text[split..].Contains(key, StringComparison.Ordinal);
        }
        Assert.True(korean && english, $"{code}: Korean {korean}, English {english}");
    }

    [Fact]
    public void No_server_message_is_a_bilingual_literal()
    {
        var found = new List<string>();
        foreach (var project in new[] { "api", "grains", "grain-interfaces", "silo" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, project), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .Where(f => !EmailFiles.Contains(Path.GetRelativePath(TestData.RepoRoot, f).Replace('\\', '/'))))
            {
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                    if (!lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && Bilingual().IsMatch(lines[i]))
                        found.Add($"{Path.GetRelativePath(TestData.RepoRoot, file)}:{i + 1}");
            }
        }
        Assert.True(found.Count == 0, "\"한국어 (English)\" literals: " + string.Join(", ", found));
    }

    // A string literal with Hangul followed by a parenthesised English part: "파일이 너무 큽니다. (The file is too large.)".
    [GeneratedRegex("\"[^\"]*[가-힣][^\"]*\\([A-Za-z][^\"]*\\)\"")]
    private static partial Regex Bilingual();
}
