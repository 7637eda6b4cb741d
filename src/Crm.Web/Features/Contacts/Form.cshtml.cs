using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Contacts;

/// <summary>The model of <c>/contacts/new</c> and <c>/contacts/{id}/edit</c>.</summary>
public sealed class ContactFormPage(ReadContact read, SaveContact save) : RecordFormPage<ContactInput, RecordView<ContactDetails>, ContactDetails>
{
    public Task<IActionResult> OnGetAsync(int? id, int? companyId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new ContactInput { CompanyId = companyId }, cancellationToken);

    protected override Task<Result<RecordView<ContactDetails>>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(RecordView<ContactDetails> view) => view.Can.Edit;

    protected override ContactInput Fill(RecordView<ContactDetails> view) => ContactInput.Of(view.Record);

    protected override Task<Result<ContactDetails>> SaveAsync(Actor actor, int? id, ContactInput form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, form, ContactFields.All & ~ContactFields.OwnerId, cancellationToken);

    protected override string PageOf(ContactDetails saved) => $"/contacts/{saved.Id}";
}
