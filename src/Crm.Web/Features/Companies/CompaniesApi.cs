using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Companies;

/// <summary><c>/api/v1/companies</c>: signed-in callers; what each may see and do is decided inside the use cases.</summary>
public static class CompaniesApi
{
    public static RouteGroupBuilder MapCompaniesApi(this RouteGroupBuilder api)
    {
        var companies = api.MapGroup("/companies").WithTags("Companies").RequireAuthorization();

        companies.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, Guid? ownerId, HttpContext http, ListCompanies list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new CompanyQuery(search, sort, cursor, pageSize, ownerId), cancellationToken))
                    .ToHttp(page => Results.Ok(page)))
            .AsRecordList<CompanyListItem>(CrmModules.Companies)
            .WithName("ListCompanies")
            .WithSummary("The companies you may view: search by name, sort by name or id, keyset-paged (pass nextCursor back as cursor; pageSize 1 to 100).");

        companies.MapGet("/export", async (string? format, string? search, string? sort, Guid? ownerId, HttpContext http, ListCompanies list, CancellationToken cancellationToken) =>
            (await list.ExportAsync(http.Actor(), new CompanyQuery(search, sort, OwnerId: ownerId), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)))
            .AsListExport(companies, "ExportCompanies", "companies");

        companies.MapOwnedRecordEdits(
            new OwnedRecordEdits<CompanyInput, CompanyFields>("Company")
            {
                CreateSummary = "Adds a company; the owner defaults to you.",
                UpdateSummary = "Changes the fields present in the body (null clears); `version` (from GET) is required, 409 if someone else saved first.",
            },
            get: async (ReadCompany read, Actor actor, int id, CancellationToken cancellationToken) =>
                (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(view.Company)),
            save: (SaveCompany save, Actor actor, int? id, CompanyInput input, CompanyFields fields, CancellationToken cancellationToken) =>
                save.RunAsync(actor, id, input, fields, cancellationToken),
            location: r => $"/api/v1/companies/{r.Id}");

        companies.MapRecordDelete<DeleteCompany, CompanyDeleteImpact>("Company", i => new { i.CompanyId, i.Name, deleted = i.Deleted, i.HiddenContacts, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal },
            "Deletes the company and its contacts (see delete-impact) in one transaction.",
            "What deleting the company would delete with it.");

        companies.MapPost("/transfer", async (TransferRequest body, HttpContext http, TransferCompanies transfer, CancellationToken cancellationToken) =>
                (await transfer.RunAsync(http.Actor(), new TransferInput(body.CompanyIds, body.NewOwnerId, new TransferOptions(body.OpenDeals == true, body.OpenTasks == true)), cancellationToken)).ToHttp())
            .WithName("TransferCompanies")
            .WithDescription("Linked contacts, deals and tasks move only where you may edit them; the answer's leftBehind counts those that stayed with their owners.")
            .WithSummary("Moves companies and their contacts to a new owner (needs transfer on each; the owner must fit your role's assignment rule); openDeals: true moves the companies' open deals too, openTasks: true their open tasks.");

        companies.MapPost("/transfer/preview", async (TransferRequest body, HttpContext http, TransferCompanies transfer, CancellationToken cancellationToken) =>
                (await transfer.PreviewAsync(http.Actor(), new TransferInput(body.CompanyIds, body.NewOwnerId, new TransferOptions(body.OpenDeals == true, body.OpenTasks == true)), cancellationToken)).ToHttp())
            .WithName("PreviewCompanyTransfer")
            .WithSummary("What a transfer with this body would move, changing nothing: counts of companies, contacts, open deals and open tasks, and leftBehind, the linked records you may not change that would stay with their owners.");

        return api;
    }


    public sealed record TransferRequest(IReadOnlyList<int>? CompanyIds, Guid? NewOwnerId, bool? OpenDeals = null, bool? OpenTasks = null);
}
