using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Dicom.Network.Echo;

/// <summary>The Verification SOP class, SCP side (PS3.4 A, PS3.7 9.1.5): every C-ECHO-RQ is answered with success.</summary>
internal static class EchoResponder
{
    public static Task RespondAsync(DicomConnection connection, PresentationContext context, DicomCommand request, CancellationToken cancellationToken) =>
        connection.SendCommandAsync(context.Id, DicomCommand.ResponseTo(request, DimseStatus.Success), cancellationToken);
}
