namespace Crm.Web.Features.Help;

/// <summary>
/// One help page per screen, reached from the <c>?</c> icon. Topics of the core screens are listed
/// here; a feature registers its own with <see cref="HelpTopicRegistration.AddHelpTopic"/>.
/// </summary>
public sealed record HelpTopic(string Key, string Title, IReadOnlyList<string> Paragraphs, bool AdministratorsOnly = false);

public static class HelpTopics
{
    public static readonly IReadOnlyList<HelpTopic> All =
    [
        new("home", "The home page",
        [
            "The home page lists the sections of the CRM your role lets you use. If a section you need is missing, ask your administrator: access is given per role.",
            "The ? icon at the top right of every page opens the help for that page.",
            "The bar under the header links the same sections from every page, the one you are in underlined. On a narrow screen it folds away: open it with the Sections button.",
            "A field that points at another record (a contact's company, what a task is about) suggests records as you type a few letters of the name: pick one with the mouse, or with the arrow keys and Enter. Only records you may see are suggested. You can also type the record's ID, like 42 or ID 42, which is also how the field works when your browser runs no scripts.",
        ]),
        new("sign-in", "Signing in and out",
        [
            "Sign in with your work email address and your password. Your administrator gives you the address of the CRM and your first, temporary password (or a link to choose one).",
            "After several failed attempts, sign-in for the account is paused for a while. The message does not say whether the address exists: this protects every account from being guessed.",
            "If you have two-factor sign-in, the next page asks for a code from your authenticator app or offers \"Use a passkey\". Where your organisation allows it, \"Sign in with a passkey\" on the sign-in page signs you in with a passkey alone, without your password (see Two-factor sign-in).",
            "If you forgot your password, use \"Forgot your password?\" on the sign-in page: a link to choose a new one is sent to your address. It works once and expires after a few hours.",
            "Sign out from the menu under your name. Signing out ends the session on the server, so even a copy of the browser's cookie stops working.",
        ]),
        new("change-password", "Choosing a password",
        [
            "A password must be at least 10 characters long. There are no rules about digits or symbols: a few unrelated words make a password that is both strong and easy to remember.",
            "The most commonly used passwords are refused, and so is your own email address.",
            "If you were given a temporary password, you must choose your own before you can use the CRM.",
            "Changing your password signs out every other browser where you were signed in.",
        ]),
        new("account", "Your account",
        [
            "Your account page shows your name, email address, whether you are an administrator, and when you last signed in.",
            "It also counts the browsers where you are signed in. If the number surprises you, change your password: every other session ends at once.",
        ]),
        new("administration", "Administration",
        [
            "The administration pages are for administrators only: their own permissions are not checked, and everything they do is recorded in the activity log.",
            "Work through them in this order when setting up: departments, roles (what each job may do), groups, then users.",
        ], AdministratorsOnly: true),
        new("users", "Managing users",
        [
            "Add a user with their work email (it is their sign-in), a role, and their departments. The CRM queues a welcome email with a link to choose a password; the link works once, for 72 hours, and is also shown to you once in case the email does not arrive.",
            "When someone leaves, deactivate their account the same day. They are signed out at once, cannot sign in, their API tokens stop working and their seat is freed, while their records and history stay intact. You can reactivate them later. The Offboard button on their page walks through the whole departure procedure (deactivate, see what they hold, reassign their records, revoke their API tokens, tick the outside systems, print a summary).",
            "Deleting an account is possible but discouraged: the CRM first shows what the person owns and asks who receives it, then moves everything and deletes the account in one step. You cannot delete or deactivate yourself or the last active administrator.",
            "Seats: the licence allows a number of active users (included plus extra seats; Licensing:Unlimited lifts the limit). Adding or reactivating past the limit is refused; the Seats page lists who holds seats and flags accounts idle for 90 days or more.",
            "Making someone an administrator, or adding one, is a sensitive action: if you signed in more than 10 minutes ago, the form asks for your password again (the API takes it as currentPassword). An API token cannot do it.",
            "Integration users: for another system (an ERP, Make.com, a mobile app), add a user and tick \"Integration user\". It gets no password and no welcome email, cannot sign in through the browser (a password reset sends nothing), holds no seat and is never flagged idle. Give it a limited role, then create its API token or webhook endpoint: both forms list integration users first. Making a person an integration user ends their open sessions; making it a person again needs a free seat.",
        ], AdministratorsOnly: true),
        new("departments", "Departments",
        [
            "Departments are the units of the company, arranged as a tree: a department may sit under another one (Sales, then Sales / Europe). A person may belong to several departments; one of them is their main department.",
            "Each department has a unique name (upper and lower case count as the same) and, optionally, its own email address, used to route support tickets to it.",
            "To move a department, edit it and choose another parent. A department cannot be placed under itself or under one of its own sub-departments.",
            "A department can only be deleted once it has no sub-departments and no members: move them first, so nobody is left without a department by accident.",
            "Every change is recorded in the activity log.",
        ], AdministratorsOnly: true),
        new("groups", "Groups",
        [
            "A group is a named set of people from any department, such as \"Key account team\" or \"Night shift\". Groups can give their members extra permissions, and records can be shared with a whole group.",
            "Choose the members by ticking them in the list of active users. Someone deactivated after joining stays listed, marked as deactivated, until you untick them.",
            "The permissions a group gives are edited with the other permissions. Deleting a group removes its memberships and its permissions; the people themselves are not affected otherwise.",
            "Every change is recorded in the activity log.",
        ], AdministratorsOnly: true),
    ];

    public static HelpTopic? Find(string? key) => Find(All, key);

    public static HelpTopic? Find(IEnumerable<HelpTopic> topics, string? key) =>
        topics.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase));
}

public static class HelpTopicRegistration
{
    /// <summary>A feature's own help topic, listed after the core ones; removing the feature removes its help.</summary>
    public static IServiceCollection AddHelpTopic(this IServiceCollection services, HelpTopic topic) =>
        services.AddSingleton(topic);
}
