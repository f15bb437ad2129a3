using System.IO.Compression;
using System.Text;
using KnowledgeBase.Grains.Ingestion;

namespace KnowledgeBase.Tests.Ingestion;

public class RefusalTests
{
    private static byte[] Pdf => File.ReadAllBytes(TestData.KorQuad("KorQuAD_2.0_paper.pdf"));

    [Fact]
    public void Empty_file_is_refused_as_empty_file_with_an_english_message_the_ui_words_by_code()
    {
        var error = Ingest.Rejected([], "a.txt");

        Assert.Equal("empty_file", error.Code);
        Assert.Equal("The file is empty.", error.Message);
    }

    [Fact]
    public void File_over_the_upload_limit_is_refused_as_too_large()
    {
        var error = Ingest.Rejected(new byte[2048], "big.txt", options: Ingest.Options(maxUpload: 1024));

        Assert.Equal("too_large", error.Code);
    }

    [Fact]
    public void Random_bytes_are_refused_as_unsupported_type()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        var error = Ingest.Rejected(bytes, "data.txt");

        Assert.Equal("unsupported_type", error.Code);
        Assert.Contains("not a supported document", error.Message);
    }

    [Fact]
    public void Whitespace_only_text_is_refused_as_no_text()
    {
        Assert.Equal("no_text", Ingest.Rejected(Encoding.UTF8.GetBytes("  \n\n\t \n"), "blank.txt").Code);
    }

    [Fact]
    public void Truncated_pdf_is_refused_as_corrupt_file()
    {
        var error = Ingest.Rejected(Pdf[..4000], "paper.pdf");

        Assert.Equal("corrupt_file", error.Code);
        Assert.Contains("PDF", error.Message);
    }

    [Fact]
    public void Truncated_docx_is_refused_as_corrupt_file()
    {
        var docx = SampleFiles.Docx();

        var error = Ingest.Rejected(docx[..(docx.Length / 2)], "rules.docx");

        Assert.Equal("corrupt_file", error.Code);
    }

    [Fact]
    public void Pdf_renamed_to_docx_is_parsed_as_pdf()
    {
        var document = Ingest.Parse(Pdf, "paper.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

        Assert.Equal("pdf", document.Format);
        Assert.True(document.PageCount > 1);
    }

    [Fact]
    public void Docx_named_txt_is_parsed_as_docx()
    {
        Assert.Equal("docx", Ingest.Parse(SampleFiles.Docx(), "rules.txt", "text/plain").Format);
    }

    [Fact]
    public void Zip_bomb_with_honest_headers_is_refused_before_unpacking()
    {
        var bomb = SampleFiles.ZipBomb(300L * 1024 * 1024);
        Assert.True(bomb.Length < 2 * 1024 * 1024, $"bomb is {bomb.Length} bytes");

        var error = Ingest.Rejected(bomb, "bomb.docx");

        Assert.Equal("zip_bomb", error.Code);
    }

    [Fact]
    public void Zip_bomb_that_lies_about_its_size_is_caught_while_reading()
    {
        var bomb = SampleFiles.WithDeclaredSize(SampleFiles.ZipBomb(300L * 1024 * 1024), "word/document.xml", 10_000_000);
        using (var archive = new ZipArchive(new MemoryStream(bomb)))
            Assert.Equal(10_000_000, archive.GetEntry("word/document.xml")!.Length); // the headers now pass the size and ratio checks

        var error = Ingest.Rejected(bomb, "bomb.docx");

        Assert.Equal("zip_bomb", error.Code);
        Assert.Contains("declared size", error.Message);
    }

    [Fact]
    public void Zip_with_too_many_entries_is_refused()
    {
        var zip = SampleFiles.Zip(z => { for (var i = 0; i < 10_001; i++) z.CreateEntry($"x/{i}"); });

        Assert.Equal("zip_bomb", Ingest.Rejected(zip, "many.xlsx").Code);
    }

    [Fact]
    public void Encrypted_office_file_is_refused_as_encrypted_file()
    {
        var error = Ingest.Rejected(SampleFiles.CompoundFile("EncryptionInfo", "EncryptedPackage"), "급여.xlsx");

        Assert.Equal("encrypted_file", error.Code);
        Assert.Contains("password", error.Message);
    }

    [Theory]
    [InlineData("WordDocument", "old.doc", "DOCX")]
    [InlineData("Workbook", "old.xls", "XLSX")]
    [InlineData("FileHeader", "old.hwp", "HWPX")]
    public void Legacy_office_and_hwp_files_are_refused_with_advice_to_resave(string stream, string fileName, string saveAs)
    {
        var error = Ingest.Rejected(SampleFiles.CompoundFile(stream, "SummaryInformation"), fileName);

        Assert.Equal("legacy_format", error.Code);
        Assert.Equal(saveAs, error.Values["saveAs"]);
        Assert.Contains(saveAs, error.Message);
        Assert.Contains("save the file as", error.Message);
    }

    [Fact]
    public void Zip_that_is_not_a_document_is_refused_as_unsupported_type()
    {
        var zip = SampleFiles.Zip(z => SampleFiles.Add(z, "photos/readme.txt", "hello"));

        Assert.Equal("unsupported_type", Ingest.Rejected(zip, "photos.zip").Code);
    }

    [Fact]
    public void Library_exceptions_never_escape_parse()
    {
        var garbled = SampleFiles.Docx();
        // Keep the zip structure but ruin the main part's XML.
        var broken = SampleFiles.Zip(z =>
        {
            using var source = new ZipArchive(new MemoryStream(garbled));
            foreach (var entry in source.Entries)
            {
                using var reader = new StreamReader(entry.Open());
                var content = reader.ReadToEnd();
                SampleFiles.Add(z, entry.FullName, entry.FullName == "word/document.xml" ? content[..(content.Length / 2)] : content);
            }
        });

        var error = Ingest.Rejected(broken, "broken.docx");

        Assert.Equal("corrupt_file", error.Code);
    }
}
