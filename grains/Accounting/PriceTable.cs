namespace KnowledgeBase.Grains.Accounting;

public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion);

/// <summary>USD per million tokens for each model (PRICE_TABLE overrides: "model=in/out;model=in/out").
/// Offline models cost nothing but their tokens are still counted.</summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, ModelPrice> _prices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o-mini"] = new(0.15m, 0.60m),
        ["gpt-4o"] = new(2.50m, 10.00m),
        ["text-embedding-3-small"] = new(0.02m, 0m),
        ["text-embedding-3-large"] = new(0.13m, 0m),
    };

    public PriceTable(string? overrides = null)
    {
        if (string.IsNullOrWhiteSpace(overrides)) return;
        foreach (var entry in overrides.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (model, rest) = (entry.Split('=', 2)[0].Trim(), entry.Split('=', 2).ElementAtOrDefault(1));
            var parts = rest?.Split('/') ?? [];
            if (parts.Length is < 1 or > 2 || !decimal.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var input))
                throw new ArgumentException($"PRICE_TABLE entry '{entry}' must look like 'gpt-4o-mini=0.15/0.60'.");
            var output = parts.Length == 2 ? decimal.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0m;
            _prices[model] = new ModelPrice(input, output);
        }
    }

    public ModelPrice? Find(string model) => _prices.GetValueOrDefault(model);

    public decimal Cost(string model, long inputTokens, long outputTokens)
    {
        var price = Find(model);
        if (price is null) return 0m;
        return Math.Round((inputTokens * price.InputPerMillion + outputTokens * price.OutputPerMillion) / 1_000_000m, 8);
    }
}
