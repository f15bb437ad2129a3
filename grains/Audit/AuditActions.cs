namespace KnowledgeBase.Grains.Audit;

/// <summary>The audit log's action names, in one place: "area.verb". Filters accept a prefix ("auth.", "document.").</summary>
public static class AuditActions
{
    public const string SignIn = "auth.sign_in";
    public const string SignInFailed = "auth.sign_in_failed";
    public const string SignInThrottled = "auth.sign_in_throttled";
    public const string SignUp = "auth.sign_up";
    public const string SignInRefused = "auth.sign_in_refused";
    public const string EmailVerified = "auth.email_verified";
    public const string InvitationAccepted = "auth.invitation_accepted";
    public const string PasswordResetRequested = "auth.password_reset_requested";
    public const string PasswordChanged = "auth.password_changed";
    public const string AccountDeleted = "auth.account_deleted";
    public const string SsoSignIn = "auth.sso_sign_in";
    public const string SsoSignInRefused = "auth.sso_sign_in_refused";
    public const string BudgetChanged = "user.budget_changed";
    public const string UserInvited = "user.invited";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserDeleted = "user.deleted";
    public const string DocumentUploaded = "document.uploaded";
    public const string DocumentReplaced = "document.replaced";
    public const string DocumentDeleted = "document.deleted";
    public const string DocumentMoved = "document.moved";
    public const string RoleChanged = "user.role_changed";
    public const string GroupCreated = "group.created";
    public const string GroupUpdated = "group.updated";
    public const string GroupDeleted = "group.deleted";
    public const string GroupMembersChanged = "group.members_changed";
    public const string CollectionCreated = "collection.created";
    public const string CollectionUpdated = "collection.updated";
    public const string CollectionDeleted = "collection.deleted";
    public const string BackupCompleted = "backup.completed";
    public const string BackupFailed = "backup.failed";
    public const string RestoreCompleted = "backup.restored";
    public const string RetentionPurged = "retention.purged";
    public const string AuditExported = "audit.exported";
    public const string BoostAdded = "retrieval.boost_added";
    public const string BoostRemoved = "retrieval.boost_removed";
    public const string SynonymsChanged = "retrieval.synonyms_changed";

    /// <summary>Actor of actions nobody signed in took (scheduled jobs, reminders).</summary>
    public const string System = "system";

    /// <summary>Actor of requests without a signed-in user (sign-in attempts).</summary>
    public const string Anonymous = "anonymous";
}
