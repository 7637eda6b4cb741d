using System.Collections.Frozen;

namespace Crm.Web.Features.Email.Templates;

/// <summary>One email ready to queue: subject, plain text and its HTML alternative.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>
/// The CRM's email templates, embedded in the assembly as <c>Templates/{email}.{language}.txt</c>
/// (first line <c>Subject: …</c>, a blank line, then the text) and <c>…html</c>. Every template of
/// every language is parsed when this is first used; <see cref="Emails"/> declares each email's
/// variables, so an unknown one stops the load.
/// </summary>
public sealed class EmailTemplates
{
    public const string Welcome = "welcome";
    public const string PasswordReset = "password-reset";

    /// <summary>Each email and the variables its templates may use.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Emails = new Dictionary<string, IReadOnlySet<string>>
    {
        [Welcome] = new HashSet<string>(["name", "email", "inviter", "company", "link"]),
        [PasswordReset] = new HashSet<string>(["name", "email", "company", "link"]),
    };

    public static readonly IReadOnlyList<string> Languages = ["en", "de"];

    private readonly FrozenDictionary<string, (EmailTemplate Subject, EmailTemplate Text, EmailTemplate Html)> _templates = Load();

    public RenderedEmail Render(string email, string? language, IReadOnlyDictionary<string, string> values)
    {
        var key = $"{email}.{(language is not null && Languages.Contains(language) ? language : "en")}";
        var (subject, text, html) = _templates[key];
        return new RenderedEmail(subject.Render(values), text.Render(values), html.Render(values));
    }

    private static FrozenDictionary<string, (EmailTemplate, EmailTemplate, EmailTemplate)> Load()
    {
        var templates = new Dictionary<string, (EmailTemplate, EmailTemplate, EmailTemplate)>(StringComparer.Ordinal);
        foreach (var (email, variables) in Emails)
        {
            foreach (var language in Languages)
            {
                var name = $"{email}.{language}";
                var textSource = Read($"{name}.txt").ReplaceLineEndings("\n");
                var firstLine = textSource.IndexOf('\n', StringComparison.Ordinal);
                if (!textSource.StartsWith("Subject: ", StringComparison.Ordinal) || firstLine < 0)
                {
                    throw new EmailTemplateException($"{name}.txt must start with a 'Subject: …' line.");
                }

                var subject = EmailTemplate.Parse($"{name}.txt (subject)", textSource["Subject: ".Length..firstLine].Trim(), variables, isHtml: false);
                var text = EmailTemplate.Parse($"{name}.txt", textSource[(firstLine + 1)..].TrimStart('\n'), variables, isHtml: false);
                var html = EmailTemplate.Parse($"{name}.html", Read($"{name}.html"), variables, isHtml: true);
                templates[name] = (subject, text, html);
            }
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Read(string file)
    {
        var resource = $"{typeof(EmailTemplates).Namespace}.{file}";
        using var stream = typeof(EmailTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new EmailTemplateException($"The email template {file} is missing (resource {resource}).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
