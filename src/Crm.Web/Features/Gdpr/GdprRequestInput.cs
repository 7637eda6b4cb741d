using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>
/// A request as the form and the API give it. The person is an email address, a contact or lead
/// (<see cref="PersonModule"/> + <see cref="PersonId"/>), or both; the received day is text
/// (yyyy-MM-dd) so that a wrong one is a message on its field, not a binding failure.
/// </summary>
public sealed class GdprRequestInput
{
    [Display(Name = "Kind")] public string? Kind { get; set; }
    [Display(Name = "Email address")] public string? Email { get; set; }
    [Display(Name = "Person's record")] public string? PersonModule { get; set; }
    [Display(Name = "Contact or lead"), ModelBinder(typeof(RecordIdBinder))] public int? PersonId { get; set; }
    [Display(Name = "Received on")] public string? ReceivedOn { get; set; }
    [Display(Name = "Received by")] public Guid? ReceivedById { get; set; }
    [Display(Name = "Status")] public string? Status { get; set; }
    [Display(Name = "Notes")] public string? Notes { get; set; }

    public static GdprRequestInput Of(GdprRequestView view) => new()
    {
        Kind = view.Kind, Email = view.Email, PersonModule = view.PersonModule, PersonId = view.PersonId,
        ReceivedOn = view.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ReceivedById = view.ReceivedById,
        Status = view.Status, Notes = view.Notes,
    };
}

/// <summary>An input that passed every check, with the person's email taken from their record when none was typed.</summary>
internal sealed record CheckedGdprRequest(string Kind, string? Email, string? PersonModule, int? PersonId, DateOnly ReceivedOn, Guid ReceivedById, string Status, string? Notes);

/// <summary>What creating and editing a request both check, field by field, and who may do either.</summary>
internal static class GdprRequestChecks
{
    public const string AdministratorsOnly = "Only administrators handle data-protection requests.";

    /// <summary>The modules whose records can name the person.</summary>
    public static readonly IReadOnlyList<string> PersonModules = [CrmModules.Contacts.Key, CrmModules.Leads.Key];

    /// <summary>Null when the actor may read the register: an administrator, not through a scoped API token.</summary>
    public static string? ReadRefusal(Actor actor) => actor.IsAdministrator && actor.TokenScopes is null ? null : AdministratorsOnly;

    /// <summary>As <see cref="ReadRefusal"/>, and never while previewing as someone else.</summary>
    public static string? WriteRefusal(Actor actor) => ReadRefusal(actor) ?? (actor.IsPreview ? RecordEditing.PreviewRefused : null);

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static async Task<(CheckedGdprRequest? Checked, FieldErrors Errors)> CheckAsync(
        CrmDb db, Actor actor, GdprRequestInput input, IReadOnlyList<string> statuses, DateOnly today, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var kind = Clean(input.Kind)?.ToLowerInvariant();
        if (kind is null)
        {
            errors.Add("kind", "Choose the kind of request.");
        }
        else if (!GdprKinds.All.Contains(kind))
        {
            errors.Add("kind", $"The kind is one of {string.Join(", ", GdprKinds.All)}.");
        }

        var email = Clean(input.Email);
        if (email is not null)
        {
            errors.Email("email", "The email address", email);
        }

        var module = Clean(input.PersonModule)?.ToLowerInvariant();
        string? recordEmail = null;
        if (input.PersonId is { } personId)
        {
            if (module is null || !PersonModules.Contains(module))
            {
                errors.Add("personModule", "Say whether the record is a contact or a lead.");
            }
            else
            {
                var found = module == CrmModules.Contacts.Key
                    ? await db.Contacts.AsNoTracking().Where(c => c.Id == personId).Select(c => new { c.Email }).FirstOrDefaultAsync(cancellationToken)
                    : await db.Leads.AsNoTracking().Where(l => l.Id == personId).Select(l => new { l.Email }).FirstOrDefaultAsync(cancellationToken);
                if (found is null)
                {
                    errors.Add("personId", $"There is no {(module == CrmModules.Contacts.Key ? "contact" : "lead")} with ID {personId}.");
                }
                else
                {
                    recordEmail = Clean(found.Email);
                }
            }
        }
        else
        {
            module = null;
            if (email is null)
            {
                errors.Add("email", "Give the person's email address, or choose their contact or lead.");
            }
        }

        DateOnly received = default;
        if (Clean(input.ReceivedOn) is not { } receivedText)
        {
            errors.Add("receivedOn", "Say on which day the request was received.");
        }
        else if (!DateOnly.TryParseExact(receivedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out received))
        {
            errors.Add("receivedOn", "The day received must be a date like 2026-12-31.");
        }
        else if (received > today)
        {
            errors.Add("receivedOn", "The day received cannot be later than today.");
        }
        else if (received < today.AddYears(-10))
        {
            errors.Add("receivedOn", "The day received cannot be more than 10 years ago.");
        }

        var receivedBy = input.ReceivedById ?? actor.UserId ?? Guid.Empty;
        if (!await db.Users.AnyAsync(u => u.Id == receivedBy, cancellationToken))
        {
            errors.Add("receivedById", "Choose the user who received the request.");
        }

        var status = Clean(input.Status)?.ToLowerInvariant() ?? GdprStatuses.Open;
        if (!statuses.Contains(status))
        {
            errors.Add("status", $"The status is one of {string.Join(", ", statuses)}; answer or refuse a request by closing it.");
        }

        var notes = Clean(input.Notes);
        errors.Text("notes", "The notes", notes, GdprRequest.NotesMaxLength, required: false).PlainText("notes", "The notes", notes, singleLine: false);

        return errors.Any
            ? (null, errors)
            : (new CheckedGdprRequest(kind!, email ?? recordEmail, module, module is null ? null : input.PersonId, received, receivedBy, status, notes), errors);
    }

    /// <summary>Copies the checked values onto the request; a new received day restarts the reminders.</summary>
    public static void Apply(GdprRequest request, CheckedGdprRequest input, DateTime now)
    {
        if (request.ReceivedOn != input.ReceivedOn)
        {
            request.RemindersSent = GdprReminderStage.None;
        }

        request.Kind = input.Kind;
        request.Email = input.Email;
        request.PersonModule = input.PersonModule;
        request.PersonId = input.PersonId;
        request.ReceivedOn = input.ReceivedOn;
        request.ReceivedById = input.ReceivedById;
        if (request.Status != input.Status && !GdprStatuses.IsClosed(input.Status))
        {
            // Reopened (or still working): a closing's day and reason no longer apply.
            request.ClosedOn = null;
            request.RefusalReason = null;
        }

        request.Status = input.Status;
        request.Notes = input.Notes;
        request.ModifiedAt = now;
    }
}
