namespace KnowledgeBase.Contracts;

/// <summary>Every error code the server sends: a ProblemDetails `type` (the kind of refusal) and `code` (the exact reason),
/// a chat stream's `error` event, a document's failure. The server sends the code with an English detail only; the web UI
/// words each code in Korean and English (api/wwwroot/js/i18n.js, key `err.&lt;code&gt;`).</summary>
public static class ErrorCodes
{
    // Kinds (ProblemDetails `type`); a refusal with no finer reason has the kind as its code too.
    public const string InvalidRequest = "invalid_request";
    public const string Unauthorized = "unauthorized";
    public const string TokenExpired = "token_expired";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string TooLarge = "too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string RateLimited = "rate_limited";
    public const string BudgetExhausted = "budget_exhausted";
    public const string InternalError = "internal_error";
    public const string ClientClosed = "client_closed";

    // Temporary outages (503 with Retry-After; see TransientCodes).
    public const string StorageUnavailable = "storage_unavailable";
    public const string StateConflict = "state_conflict";
    public const string VectorStoreUnavailable = "vector_store_unavailable";
    public const string ClusterUnavailable = "cluster_unavailable";

    // Chat.
    public const string ModelError = "model_error";
    public const string ModelTimeout = "model_timeout";
    public const string RetrievalError = "retrieval_error";
    public const string QuestionLength = "question_length";
    public const string SearchLength = "search_length";
    public const string TitleLength = "title_length";
    public const string RatingInvalid = "rating_invalid";
    public const string ReasonInvalid = "reason_invalid";
    public const string CommentLength = "comment_length";
    public const string ConversationNotFound = "conversation_not_found";
    public const string MessageNotFound = "message_not_found";

    // Accounts and sign-in.
    public const string EmailInvalid = "email_invalid";
    public const string EmailDomainNotAllowed = "email_domain_not_allowed";
    public const string EmailTaken = "email_taken";
    public const string PasswordShort = "password_short";
    public const string PasswordLong = "password_long";
    public const string NameLength = "name_length";
    public const string InvalidCredentials = "invalid_credentials";
    public const string LoginThrottled = "login_throttled";
    public const string UnknownUser = "unknown_user";
    public const string WeakPassword = "weak_password";
    public const string SignupInviteOnly = "signup_invite_only";
    public const string EmailNotVerified = "email_not_verified";
    public const string AccountDisabled = "account_disabled";
    public const string InvalidToken = "invalid_token";
    public const string InvalidRefreshToken = "invalid_refresh_token";
    public const string SessionEnded = "session_ended";
    public const string DisabledInvalid = "disabled_invalid";
    public const string OwnAccount = "own_account";
    public const string MailUnavailable = "mail_unavailable";
    public const string AdminsOnly = "admins_only";
    public const string SsoSessionMissing = "sso_session_missing";
    public const string SsoNotConfigured = "sso_not_configured";

    // Documents and uploads.
    public const string DocumentNotFound = "document_not_found";
    public const string OriginalNotFound = "original_not_found";
    public const string DocumentExists = "document_exists";
    public const string DocumentReplacedTooOften = "document_replaced_too_often";
    public const string UploadQuota = "upload_quota";
    public const string UploadEditorsOnly = "upload_editors_only";
    public const string DocumentEditForbidden = "document_edit_forbidden";
    public const string CollectionUploadForbidden = "collection_upload_forbidden";
    public const string CollectionRequired = "collection_required";
    public const string MultipartRequired = "multipart_required";
    public const string MultipartMalformed = "multipart_malformed";
    public const string FileFieldMissing = "file_field_missing";
    public const string EmptyFile = "empty_file";
    public const string FileTooLarge = "file_too_large";
    public const string RequestTooLarge = "request_too_large";
    public const string BodyUnreadable = "body_unreadable";
    public const string JsonMalformed = "json_malformed";
    public const string QueryLength = "query_length";

    // Why a document failed (DocumentInfo.ErrorCode; an upload refused at once has it as its ProblemDetails code).
    public const string UnsupportedType = "unsupported_type";
    public const string LegacyFormat = "legacy_format";
    public const string CorruptFile = "corrupt_file";
    public const string EncryptedFile = "encrypted_file";
    public const string ZipBomb = "zip_bomb";
    public const string NoText = "no_text";
    public const string FileMissing = "file_missing";
    public const string IngestionError = "ingestion_error";
    public const string TopKRange = "top_k_range";
    public const string TagsInvalid = "tags_invalid";

    // Collections, groups, roles.
    public const string CollectionNotFound = "collection_not_found";
    public const string CollectionExists = "collection_exists";
    public const string DefaultCollection = "default_collection";
    public const string CollectionNotEmpty = "collection_not_empty";
    public const string GroupNotFound = "group_not_found";
    public const string GroupExists = "group_exists";
    public const string UserNotFound = "user_not_found";
    public const string UnknownGroup = "unknown_group";
    public const string ListTooLong = "list_too_long";
    public const string ListEntryEmpty = "list_entry_empty";
    public const string EditorsEveryone = "editors_everyone";
    public const string RoleInvalid = "role_invalid";
    public const string OwnRole = "own_role";

    // Admin console.
    public const string BudgetInvalid = "budget_invalid";
    public const string DailyOverMonthly = "daily_over_monthly";
    public const string RequestsPerMinuteRange = "requests_per_minute_range";
    public const string DaysRange = "days_range";
    public const string AuditTimeInvalid = "audit_time_invalid";
    public const string LimitRange = "limit_range";
    public const string AuditFilterLength = "audit_filter_length";
    public const string FormatInvalid = "format_invalid";
    public const string SynonymSetsMissing = "synonym_sets_missing";
    public const string SynonymTooManySets = "synonym_too_many_sets";
    public const string SynonymSetTooSmall = "synonym_set_too_small";
    public const string SynonymSetTooBig = "synonym_set_too_big";
    public const string SynonymTermInvalid = "synonym_term_invalid";
    public const string SynonymSetNoLetters = "synonym_set_no_letters";
    public const string BackupNotConfigured = "backup_not_configured";
    public const string BackupFailed = "backup_failed";
    public const string BackupPartsInvalid = "backup_parts_invalid";
    public const string GoldenSetFileMissing = "golden_set_file_missing";
    public const string GoldenSetTooLarge = "golden_set_too_large";
    public const string InvalidGoldenSet = "invalid_golden_set";
    public const string EvaluationRunning = "evaluation_running";
    public const string EvaluationNotFound = "evaluation_not_found";
    public const string ChunkRequired = "chunk_required";
    public const string SourceNotFound = "source_not_found";
    public const string BoostNotFound = "boost_not_found";
}
