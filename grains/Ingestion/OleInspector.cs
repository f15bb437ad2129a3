using System.Buffers.Binary;
using System.Text;

namespace KnowledgeBase.Grains.Ingestion;

/// <summary>
/// Looks inside an OLE compound file (the container of legacy .doc/.xls/.hwp and of password-protected DOCX/XLSX/PPTX)
/// just far enough to say which it is, and always refuses it with the matching code.
/// </summary>
public static class OleInspector
{
    private static readonly byte[] Magic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public static bool IsOle(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    public static DocumentRejectedException Refuse(byte[] bytes, string fileName)
    {
        var names = StreamNames(bytes);
        if (names.Contains("EncryptionInfo") || names.Contains("EncryptedPackage"))
            return DocumentRejections.Encrypted(OfficeKind(fileName));
        if (names.Contains("WordDocument")) return DocumentRejections.LegacyOffice("Word(.doc)", "DOCX");
        if (names.Contains("Workbook") || names.Contains("Book")) return DocumentRejections.LegacyOffice("Excel(.xls)", "XLSX");
        if (names.Contains("PowerPoint Document")) return DocumentRejections.LegacyOffice("PowerPoint(.ppt)", "PPTX");
        if (names.Contains("FileHeader") || names.Contains("BodyText")) return DocumentRejections.LegacyOffice("Hangul (.hwp)", "HWPX");
        return DocumentRejections.LegacyOffice("OLE (.doc/.xls/.hwp)", "DOCX, XLSX or HWPX");
    }

    private static string OfficeKind(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".xlsx" or ".xlsm" => "XLSX",
        ".pptx" => "PPTX",
        ".docx" => "DOCX",
        _ => "Office",
    };

    /// <summary>The names in the compound file's directory; empty when the directory cannot be walked.</summary>
    public static HashSet<string> StreamNames(byte[] bytes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var span = bytes.AsSpan();
            var sectorSize = 1 << BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
            if (sectorSize is not (512 or 4096)) return names;
            var fatSectorCount = BinaryPrimitives.ReadInt32LittleEndian(span[44..]);
            var directorySector = BinaryPrimitives.ReadUInt32LittleEndian(span[48..]);

            // The first 109 FAT sector numbers live in the header; that covers files up to about 7 MB of sectors, enough to find the directory.
            var fat = new List<uint>();
            for (var i = 0; i < Math.Min(fatSectorCount, 109); i++)
            {
                var fatSector = BinaryPrimitives.ReadUInt32LittleEndian(span[(76 + i * 4)..]);
                var offset = (long)(fatSector + 1) * sectorSize;
                if (offset + sectorSize > bytes.Length) break;
                for (var j = 0; j < sectorSize; j += 4) fat.Add(BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(offset + j)..]));
            }

            var visited = new HashSet<uint>();
            for (var sector = directorySector; sector < 0xFFFFFFFA && visited.Add(sector);)
            {
                var offset = (long)(sector + 1) * sectorSize;
                if (offset + sectorSize > bytes.Length) break;
                for (var e = 0; e < sectorSize; e += 128)
                {
                    var entry = span.Slice((int)(offset + e), 128);
                    var nameBytes = BinaryPrimitives.ReadUInt16LittleEndian(entry[64..]);
                    if (nameBytes is < 2 or > 64 || entry[66] == 0) continue;
                    names.Add(Encoding.Unicode.GetString(entry[..(nameBytes - 2)]));
                }
                sector = sector < fat.Count ? fat[(int)sector] : 0xFFFFFFFE;
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // A truncated header: report what was found so far.
        }
        return names;
    }
}
