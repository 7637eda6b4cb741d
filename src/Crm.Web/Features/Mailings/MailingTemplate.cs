using Crm.Web.Features.Email.Templates;
using Crm.Web.Web;

namespace Crm.Web.Features.Mailings;

/// <summary>The logic-less placeholders a mailing's subject and body may use.</summary>
public static class MailingTemplate
{
    public static readonly IReadOnlySet<string> Variables = new HashSet<string>(StringComparer.Ordinal) { "FirstName", "LastName", "Name", "Email" };

    /// <summary>Parses the template, adding a field error instead of throwing.</summary>
    public static EmailTemplate? Parse(FieldErrors errors, string field, string label, string source)
    {
        try
        {
            return EmailTemplate.Parse(label, source, Variables, isHtml: false);
        }
        catch (EmailTemplateException e)
        {
            errors.Add(field, e.Message);
            return null;
        }
    }

    public static Dictionary<string, string> Values(MailingRecipient recipient) => new(StringComparer.Ordinal)
    {
        ["FirstName"] = recipient.FirstName,
        ["LastName"] = recipient.LastName,
        ["Name"] = recipient.Name,
        ["Email"] = recipient.Email,
    };
}
