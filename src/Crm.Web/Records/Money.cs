using System.Globalization;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>
/// Money as deals and products keep it: an integer count of the currency's minor unit (cents for
/// EUR, yen for JPY) plus an ISO 4217 code. Integers sort and add exactly on SQLite and PostgreSQL
/// alike, where a decimal column would be a string on one and a numeric on the other.
/// </summary>
public static class Money
{
    public const string DefaultCurrency = "EUR";

    /// <summary>The currencies the CRM accepts, with their number of decimals (ISO 4217 minor unit).</summary>
    public static readonly IReadOnlyDictionary<string, int> Currencies = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AUD"] = 2, ["BGN"] = 2, ["BHD"] = 3, ["BRL"] = 2, ["CAD"] = 2, ["CHF"] = 2, ["CNY"] = 2, ["CZK"] = 2, ["DKK"] = 2,
        ["EUR"] = 2, ["GBP"] = 2, ["HKD"] = 2, ["HUF"] = 2, ["INR"] = 2, ["ISK"] = 0, ["JPY"] = 0, ["KRW"] = 0, ["KWD"] = 3,
        ["MXN"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["PLN"] = 2, ["RON"] = 2, ["SEK"] = 2, ["SGD"] = 2, ["TRY"] = 2, ["UAH"] = 2,
        ["USD"] = 2, ["ZAR"] = 2,
    };

    /// <summary>The largest amount accepted, in major units; far above any deal and far below long's range.</summary>
    public const long MaxMajor = 1_000_000_000_000;

    /// <summary>The upper-cased code when it is a known currency, else null.</summary>
    public static string? Currency(string? code) =>
        code?.Trim().ToUpperInvariant() is { Length: 3 } c && Currencies.ContainsKey(c) ? c : null;

    /// <summary>
    /// Reads "1234.50" (invariant culture: a dot for decimals, no thousands separators) into minor
    /// units of <paramref name="currency"/>. Null with a sentence for the person when it is not a
    /// non-negative amount with at most the currency's decimals.
    /// </summary>
    public static (long? Minor, string? Problem) Parse(string? text, string currency, string label)
    {
        var digits = Currencies.GetValueOrDefault(currency, 2);
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return (null, $"{label} is required.");
        }

        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return (null, $"{label} must be a number like 1234.50 (a dot for decimals, no thousands separators).");
        }

        if (value < 0)
        {
            return (null, $"{label} cannot be negative.");
        }

        if (value > MaxMajor)
        {
            return (null, $"{label} must be at most {MaxMajor.ToString(CultureInfo.InvariantCulture)}.");
        }

        var scaled = value * Pow10(digits);
        if (scaled != decimal.Truncate(scaled))
        {
            return (null, digits == 0 ? $"{label} in {currency} has no decimals." : $"{label} in {currency} has at most {digits} decimals.");
        }

        return ((long)scaled, null);
    }

    /// <summary>"1234.50" for 123450 EUR cents: what forms, the API and exports show.</summary>
    public static string Format(long minor, string currency)
    {
        var digits = Currencies.GetValueOrDefault(currency, 2);
        return (minor / Pow10(digits)).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>"1,234.50 EUR" for pages.</summary>
    public static string Display(long minor, string currency)
    {
        var digits = Currencies.GetValueOrDefault(currency, 2);
        return (minor / Pow10(digits)).ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + currency;
    }

    /// <summary>"1,234.50 EUR" from the API form "1234.50" (what pages get from the use cases).</summary>
    public static string Display(string amount, string currency) =>
        decimal.TryParse(amount, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("N" + Currencies.GetValueOrDefault(currency, 2).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + currency
            : amount + " " + currency;

    /// <summary>
    /// The amount and currency a save keeps: the current ones (a new record: zero in the default
    /// currency) unless the caller sent either; then both are checked together, because a currency
    /// with fewer decimals can make the kept amount invalid.
    /// </summary>
    public static (long Minor, string Currency) Pick(FieldErrors errors, string amountField, string currencyField, string label,
        (bool Sent, string? Text) amount, (bool Sent, string? Code) currency, long current, string? currentCurrency)
    {
        var kept = currentCurrency ?? DefaultCurrency;
        if (!amount.Sent && !currency.Sent)
        {
            return (current, kept);
        }

        var currencyText = currency.Sent ? currency.Code : kept;
        var minor = Check(errors, amountField, currencyField, label, amount.Sent ? amount.Text : Format(current, kept), currencyText);
        return minor is { } valid && Currency(currencyText) is { } code ? (valid, code) : (current, kept);
    }

    /// <summary>Adds the money checks for one amount and its currency; returns the minor units when both are valid.</summary>
    public static long? Check(FieldErrors errors, string amountField, string currencyField, string label, string? amount, string? currency)
    {
        var code = Currency(currency);
        if (code is null)
        {
            errors.Add(currencyField, string.IsNullOrWhiteSpace(currency)
                ? "Currency is required (a three-letter code such as EUR)."
                : "Currency must be a three-letter ISO 4217 code the CRM knows, such as EUR, USD or GBP.");
            return null;
        }

        var (minor, problem) = Parse(amount, code, label);
        if (problem is not null)
        {
            errors.Add(amountField, problem);
        }

        return minor;
    }

    private static decimal Pow10(int digits) => digits switch { 0 => 1m, 1 => 10m, 2 => 100m, _ => 1000m };
}
