using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Chat;

/// <summary>How the chat model turns a question and its conversation into search queries, when a model is configured
/// (QUERY_REWRITE_* variables). Offline nothing of this runs.</summary>
public sealed class QueryRewriteOptions
{
    /// <summary>Ask the model for search queries before retrieval (QUERY_REWRITE).</summary>
    [ConfigurationKeyName("QUERY_REWRITE")]
    public bool Enabled { get; set; } = true;

    /// <summary>At most this many model queries, searched besides the user's own (QUERY_REWRITE_MAX_QUERIES, 1-5).</summary>
    [ConfigurationKeyName("QUERY_REWRITE_MAX_QUERIES"), Range(1, 5, ErrorMessage = "QUERY_REWRITE_MAX_QUERIES must be a whole number from {1} to {2}.")]
    public int MaxQueries { get; set; } = 3;

    /// <summary>Output tokens the rewrite may use (QUERY_REWRITE_MAX_TOKENS, 16-1000).</summary>
    [ConfigurationKeyName("QUERY_REWRITE_MAX_TOKENS"), Range(16, 1000, ErrorMessage = "QUERY_REWRITE_MAX_TOKENS must be a whole number from {1} to {2}.")]
    public int MaxOutputTokens { get; set; } = 150;

    /// <summary>Longest wait for the rewrite (QUERY_REWRITE_TIMEOUT_SECONDS, 1-120); past it the question is searched as
    /// asked. The model's idle timeout caps it too.</summary>
    [ConfigurationKeyName("QUERY_REWRITE_TIMEOUT_SECONDS"), Range(1, 120, ErrorMessage = "QUERY_REWRITE_TIMEOUT_SECONDS must be a whole number from {1} to {2}.")]
    public int TimeoutSeconds { get; set; } = 10;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
