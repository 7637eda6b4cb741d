using Crm.Web.Records;

namespace Crm.Web.Features.Contacts;

public sealed class DeleteContactPage(DeleteContact delete) : DeleteConfirmationPage<ContactDeleteImpact>(delete, "/contacts");
