using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>The parts that bridge employees' words and the documents' words, and shape the offline answer. Each can be
/// switched off (ANSWER_* variables) to measure what it adds on the development set (docs/evaluation.md).</summary>
public sealed class AnswerOptions
{
    /// <summary>Expand questions with the shipped workplace thesaurus (ANSWER_THESAURUS).</summary>
    [ConfigurationKeyName("ANSWER_THESAURUS")]
    public bool Thesaurus { get; set; } = true;

    /// <summary>Expand questions with the admin-managed synonym sets (ANSWER_SYNONYMS).</summary>
    [ConfigurationKeyName("ANSWER_SYNONYMS")]
    public bool Synonyms { get; set; } = true;

    /// <summary>Match numbers and units in canonical form, 10만원 = 100,000 (ANSWER_NUMBERS).</summary>
    [ConfigurationKeyName("ANSWER_NUMBERS")]
    public bool Numbers { get; set; } = true;

    /// <summary>Search the terms documents define ("이하 'X'라 한다") as aliases of their chunks (ANSWER_DEFINED_TERMS).</summary>
    [ConfigurationKeyName("ANSWER_DEFINED_TERMS")]
    public bool DefinedTerms { get; set; } = true;

    /// <summary>The calibrated relevance gate; off = the plain 30%-of-bigrams rule (ANSWER_GATE).</summary>
    [ConfigurationKeyName("ANSWER_GATE")]
    public bool Gate { get; set; } = true;

    /// <summary>Lead the extractive answer with the sentence carrying the kind of value asked for (ANSWER_TYPED).</summary>
    [ConfigurationKeyName("ANSWER_TYPED")]
    public bool TypedAnswer { get; set; } = true;

    /// <summary>The relevance gate (ANSWER_GATE): how many of the best candidates it looks at, the share of the question's
    /// rarity-weighted content terms the best of them must cover, and the higher share required when the question names
    /// a word no document and no thesaurus entry knows. Fitted on the development set (docs/evaluation.md).</summary>
    [ConfigurationKeyName("ANSWER_GATE_DEPTH"), Range(1, 50, ErrorMessage = "ANSWER_GATE_DEPTH must be a whole number from {1} to {2}.")]
    public int GateDepth { get; set; } = 3;

    [ConfigurationKeyName("ANSWER_GATE_MIN_COVERAGE"), Range(0.0, 1.0, ErrorMessage = "ANSWER_GATE_MIN_COVERAGE must be a number from 0 to 1.")]
    public double GateMinCoverage { get; set; } = 0.15;

    [ConfigurationKeyName("ANSWER_GATE_UNKNOWN_WORD_COVERAGE"), Range(0.0, 1.0, ErrorMessage = "ANSWER_GATE_UNKNOWN_WORD_COVERAGE must be a number from 0 to 1.")]
    public double GateUnknownWordCoverage { get; set; } = 0.6;

    /// <summary>Weight of expansion terms against the user's own words (1 = equal).</summary>
    public float ExpansionWeight { get; set; } = 0.6f;

    /// <summary>Weight of canonical number tokens and of defined-term aliases in the lexical query.</summary>
    public float NumberBoost { get; set; } = 0.6f;
    public float AliasBoost { get; set; } = 0.5f;
}
