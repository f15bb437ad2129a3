using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;

namespace KnowledgeBase.Grains.Models;

/// <summary>
/// Builds the chat client and the embedding generator over the official OpenAI SDK, sharing one HTTP pipeline:
/// base URL, bearer key, retries with backoff, network timeout and (optional) redacted HTTP logging.
/// </summary>
public sealed class OpenAiModelFactory
{
    public const string LoggerCategory = "KnowledgeBase.Grains.Models.OpenAi";

    private readonly OpenAiOptions _options;

    public OpenAiModelFactory(OpenAiOptions options, ILoggerFactory? loggerFactory = null)
    {
        _options = options.EnsureValid();
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        Client = new OpenAIClient(new ApiKeyCredential(options.ApiKey), CreateClientOptions(options, factory));
        // A string, not the object: a structured sink could otherwise serialize every property, the key included.
        factory.CreateLogger(LoggerCategory).LogInformation("OpenAI models configured: {Options}", options.ToString());
    }

    /// <summary>The SDK client; one per process so every model call shares its connection pool.</summary>
    public OpenAIClient Client { get; }

    /// <summary>Chat over /chat/completions. Streamed answers end with a <see cref="UsageContent"/> read from the last chunk.</summary>
    public IChatClient CreateChatClient(string? model = null)
        => Client.GetChatClient(model ?? _options.ChatModel).AsIChatClient();

    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string? model = null)
        => Client.GetEmbeddingClient(model ?? _options.EmbeddingModel).AsIEmbeddingGenerator(_options.EmbeddingDimensions);

    public static OpenAIClientOptions CreateClientOptions(OpenAiOptions options, ILoggerFactory loggerFactory)
    {
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new OpenAiRetryPolicy(
                options.MaxRetries, options.RetryBaseDelay, options.RetryMaxDelay, loggerFactory.CreateLogger(LoggerCategory)),
            NetworkTimeout = options.NetworkTimeout,
            UserAgentApplicationId = "knowledge-base",
            ClientLoggingOptions = new ClientLoggingOptions
            {
                LoggerFactory = loggerFactory,
                EnableLogging = true,
                EnableMessageLogging = options.LogHttpMessages,
                // Prompts and answers are user data: never written to logs from here.
                EnableMessageContentLogging = false,
            },
        };
        if (!string.IsNullOrWhiteSpace(options.BaseUrl))
            clientOptions.Endpoint = new Uri(options.BaseUrl.TrimEnd('/'), UriKind.Absolute);
        return clientOptions;
    }
}

public static class OpenAiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> backed by OpenAI
    /// (or the compatible server at OPENAI_BASE_URL). Call it when OPENAI_API_KEY is set; it throws on invalid settings.
    /// </summary>
    public static IServiceCollection AddOpenAiModels(this IServiceCollection services, OpenAiOptions options)
    {
        options.EnsureValid();
        services.Replace(ServiceDescriptor.Singleton(options));
        services.Replace(ServiceDescriptor.Singleton(sp => new OpenAiModelFactory(options, sp.GetService<ILoggerFactory>())));
        services.AddChatClient(sp => sp.GetRequiredService<OpenAiModelFactory>().CreateChatClient());
        services.AddEmbeddingGenerator(sp => sp.GetRequiredService<OpenAiModelFactory>().CreateEmbeddingGenerator());
        return services;
    }
}
