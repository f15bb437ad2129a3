using System.Text.Json;

namespace KnowledgeBase.BrowserTests.Infrastructure;

/// <summary>axe-core (npm, pinned in .ci/ui/package-lock.json) injected into a page; the page's context must bypass CSP.</summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(TestData.RepoRoot, ".ci", "ui", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new InvalidOperationException($"axe-core is not installed at {path}: run (cd .ci/ui && npm ci).");
    });

    /// <summary>The serious and critical violations on the page as it is now, one line each (rule, impact, first elements).</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.AddScriptTagAsync(new() { Content = Source.Value });
        var found = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map(n => n.target.join(' ') + (n.any[0]?.message ? ' - ' + n.any[0].message : '')).join(' | ')}`);
            }
            """);
        return found.EnumerateArray().Select(v => v.GetString()!).ToList();
    }
}
