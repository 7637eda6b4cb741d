using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Crm.Web.Data;

/// <summary>Every <see cref="DateTime"/> in the model is a UTC instant, on both providers.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
