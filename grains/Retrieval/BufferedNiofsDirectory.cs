using Lucene.Net.Store;

namespace KnowledgeBase.Grains.Retrieval;

/// <summary>Lucene's NIO file directory with larger read buffers. The default 1 KB buffer meant one positioned read
/// (a system call and a stream lock) per kilobyte of postings; long postings of a 100k-chunk index spent a third of the
/// lexical query there.</summary>
public sealed class BufferedNiofsDirectory(DirectoryInfo path, int bufferSize = 8192) : NIOFSDirectory(path)
{
    public override IndexInput OpenInput(string name, IOContext context)
    {
        var input = base.OpenInput(name, context);
        if (input is BufferedIndexInput buffered) buffered.SetBufferSize(bufferSize);
        return input;
    }
}
