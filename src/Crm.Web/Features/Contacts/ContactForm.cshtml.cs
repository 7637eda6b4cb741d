using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Contacts;

/// <summary>The model of <c>/contacts/new</c> and <c>/contacts/{id}/edit</c>.</summary>
public sealed class ContactFormPage(ReadContact read, SaveContact save) : RecordFormPage<ContactFormPage.ContactForm, ContactView, ContactDetails>
{
    public Task<IActionResult> OnGetAsync(int? id, int? companyId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new ContactForm { CompanyId = companyId }, cancellationToken);

    protected override Task<Result<ContactView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(ContactView view) => view.Can.Edit;

    protected override ContactForm Fill(ContactView view)
    {
        var c = view.Contact;
        return new ContactForm { FirstName = c.FirstName, LastName = c.LastName, Email = c.Email, Phone = c.Phone, Title = c.Title, CompanyId = c.CompanyId, Version = c.Version };
    }

    protected override Task<Result<ContactDetails>> SaveAsync(Actor actor, int? id, ContactForm form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, new ContactInput(form.FirstName, form.LastName, form.Email, form.Phone, form.Title, form.CompanyId, null, form.Version),
            ContactFields.All & ~ContactFields.OwnerId, cancellationToken);

    protected override string PageOf(ContactDetails saved) => $"/contacts/{saved.Id}";

    public sealed class ContactForm
    {
        [Display(Name = "First name")]
        public string? FirstName { get; set; }

        [Display(Name = "Last name")]
        public string? LastName { get; set; }

        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Display(Name = "Phone")]
        public string? Phone { get; set; }

        [Display(Name = "Job title")]
        public string? Title { get; set; }

        [Display(Name = "Company"), ModelBinder(typeof(RecordIdBinder))]
        public int? CompanyId { get; set; }

        public int? Version { get; set; }
    }
}
