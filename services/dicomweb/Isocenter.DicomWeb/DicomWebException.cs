using Isocenter.ServiceDefaults;

namespace Isocenter.DicomWeb;

/// <summary>
/// A request the service refuses, with the HTTP status (PS3.18 8.6.3: 400, 404, 406, 409, 413, 415…) and a reason a person
/// can act on, written as <c>application/problem+json</c> by <see cref="ProblemErrors"/>.
/// </summary>
public sealed class DicomWebException(int status, string detail) : ProblemException(status, detail)
{
    /// <summary>400: the request is malformed (a bad UID, parameter or query key).</summary>
    public static DicomWebException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);

    /// <summary>404: the resource does not exist.</summary>
    public static DicomWebException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);

    /// <summary>406: none of the acceptable media types or transfer syntaxes can be produced.</summary>
    public static DicomWebException NotAcceptable(string detail) => new(StatusCodes.Status406NotAcceptable, detail);

    /// <summary>409: the request conflicts with what is stored.</summary>
    public static DicomWebException Conflict(string detail) => new(StatusCodes.Status409Conflict, detail);

    /// <summary>415: the body's media type is not one the resource accepts.</summary>
    public static DicomWebException UnsupportedMediaType(string detail) => new(StatusCodes.Status415UnsupportedMediaType, detail);
}
