using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Contacts;

/// <summary>The model of <c>/contacts/new</c> and <c>/contacts/{id}/edit</c>.</summary>
public sealed class ContactFormPage(ReadContact read, SaveContact save)
    : RecordViewFormPage<ContactInput, ContactFields, ContactDetails>(read, save, CrmModules.Contacts, ContactFields.All & ~ContactFields.OwnerId)
{
    public Task<IActionResult> OnGetAsync(int? id, int? companyId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new ContactInput { CompanyId = companyId }, cancellationToken);
}
