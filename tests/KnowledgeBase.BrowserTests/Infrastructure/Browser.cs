namespace KnowledgeBase.BrowserTests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright for .NET (no browser download). Fails with the install command
/// when Chromium or the Korean fonts are missing, rather than skipping.</summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string InstallHint = "Install Debian's Chromium and the Korean fonts first: apt-get update && apt-get install -y chromium fonts-nanum";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Instance => _browser ?? throw new InvalidOperationException("The browser did not start.");

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("KB_CHROMIUM") is { Length: > 0 } env ? env : ChromiumPath;
        if (!File.Exists(path))
            throw new InvalidOperationException($"Chromium not found at {path}. {InstallHint}");
        if (!HasKoreanFont())
            throw new InvalidOperationException($"No Korean font (fonts-nanum) found: Korean would render as boxes. {InstallHint}");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true, Args = Args });
    }

    /// <summary>A fresh context (own storage) with a desktop window, or a phone-sized one. <paramref name="bypassCsp"/> only
    /// for injecting axe-core (the app's CSP forbids foreign script, as it should); <paramref name="colorScheme"/> emulates
    /// the system's light or dark preference.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl, bool phone = false, ViewportSize? viewport = null, bool bypassCsp = false,
        ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = viewport ?? (phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1366, Height = 900 }),
            Locale = "ko-KR",
            TimezoneId = "Asia/Seoul",
            BypassCSP = bypassCsp,
            ColorScheme = colorScheme,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return page;
    }

    private static bool HasKoreanFont()
        => new[] { "/usr/share/fonts/truetype/nanum", "/usr/share/fonts/opentype/nanum" }.Any(Directory.Exists)
           || Directory.Exists("/usr/share/fonts") && Directory.EnumerateFiles("/usr/share/fonts", "*Nanum*", SearchOption.AllDirectories).Any();

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>One api and one browser shared by the UI tests (they run one after another).</summary>
public sealed class UiFixture : IAsyncLifetime
{
    public LiveApi Api { get; } = new();
    public Browser Browser { get; } = new();

    public Task InitializeAsync()
    {
        Api.StartServer();
        return Browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Api.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiFixture>
{
    public const string Name = "ui";
}

/// <summary>An api whose model is the OpenAI-compatible stub (the test sets what it answers, how slowly, or that it fails),
/// and a browser.</summary>
public sealed class ModelUiFixture : IAsyncLifetime
{
    private OpenAiStubServer? _stub;
    private ModelLiveApi? _api;

    public OpenAiStubServer Stub => _stub ?? throw new InvalidOperationException("not started");
    public ModelLiveApi Api => _api ?? throw new InvalidOperationException("not started");
    public Browser Browser { get; } = new();

    public async Task InitializeAsync()
    {
        _stub = await OpenAiStubServer.StartAsync(new OpenAiStubOptions { FaultsOnChatOnly = true });
        _api = new ModelLiveApi(_stub.BaseUrl);
        _api.StartServer();
        await Browser.InitializeAsync();
    }

    /// <summary>Back to a prompt, well-behaved model.</summary>
    public void ResetModel()
    {
        Stub.Options.Responder = OpenAiStubServer.DefaultAnswer;
        Stub.Options.FirstTokenDelay = TimeSpan.Zero;
        Stub.Options.TokensPerSecond = 0;
        Stub.Options.FailFirst = 0;
        Stub.Options.FailWith500 = 0;
        Stub.Reset();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        if (_stub is not null) await _stub.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ModelUiCollection : ICollectionFixture<ModelUiFixture>
{
    public const string Name = "ui-model";
}
