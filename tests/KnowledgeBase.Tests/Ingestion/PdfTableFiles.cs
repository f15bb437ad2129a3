using KnowledgeBase.Tests.Evaluation;

namespace KnowledgeBase.Tests.Ingestion;

/// <summary>Korean PDFs with tables, drawn by the company document set's PDF writer: a table longer than a page, a table
/// with a two-row header (a merged group header, a header cell set over two lines), and a table set out by whitespace
/// alone, each between ordinary paragraphs.</summary>
internal static class PdfTableFiles
{
    /// <summary>Cities whose lodging limits fill more than a page.</summary>
    public static readonly string[] Cities =
    [
        "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "성남", "고양", "용인", "창원", "청주", "전주",
        "천안", "안산", "안양", "김해", "포항", "평택", "제주", "시흥", "파주", "의정부", "김포", "광명", "원주", "춘천", "강릉",
        "목포", "여수", "순천", "군산", "익산", "경주", "구미", "안동", "진주", "통영", "거제", "서산", "당진", "충주", "제천",
    ];

    /// <summary>A city's lodging limit in the long table: deterministic, varied, never the same for neighbours.</summary>
    public static string Lodging(int index) => $"{70_000 + index * 7 % 9 * 5_000:N0}원";

    public const string BeforeLongTable = "국내 출장 숙박비는 아래 지역별 한도 안에서 실비로 지급합니다. 한도를 넘는 금액은 본인이 부담합니다.";
    public const string AfterLongTable = "표에 없는 지역은 가장 가까운 시의 한도를 적용하며, 영수증은 출장 후 7일 이내에 제출합니다.";
    public const string BeforeDutyTable = "당직 근무자는 근무가 끝난 다음 날 오전에 당직 일지를 총무팀에 제출합니다.";
    public const string AfterDutyTable = "당직 수당은 다음 달 급여와 함께 지급하며, 당직 다음 날은 오후 1시에 출근할 수 있습니다.";
    public const string BeforePhoneTable = "업무 문의는 아래 부서의 내선으로 연락하십시오.";
    public const string AfterPhoneTable = "외부에서는 대표번호 02-3456-7000 뒤에 내선 번호를 누르면 연결됩니다.";

    public static byte[] LodgingPdf() => CompanyDocumentSet.Pdf($"""
        # 국내 출장 숙박비 기준
        ## 1. 숙박비 한도
        {BeforeLongTable}
        @표 1. 지역별 숙박비 한도
        | 지역 | 숙박비 한도 | 비고 |
        {string.Join("\n", Cities.Select((city, i) => $"| {city} | {Lodging(i)} | {(i % 3 == 0 ? "광역 할증" : "일반")} |"))}
        {AfterLongTable}
        ## 2. 정산
        숙박비는 법인카드로 결제하고 그룹웨어 출장비 정산 메뉴에서 정산합니다.
        """);

    public static byte[] DutyPdf(bool ruled = true) => CompanyDocumentSet.Pdf($"""
        # 당직 근무 운영 기준
        ## 1. 당직 수당
        {BeforeDutyTable}
        @표 2. 당직 근무 수당 (단위: 원)
        | 구분 | 근무<br>시간 | 수당 | 수당 |
        | 구분 | 근무<br>시간 | 평일 | 휴일 |
        | 일직 | 09:00~18:00 | 50,000 | 80,000 |
        | 숙직 | 18:00~09:00 | 70,000 | 100,000 |
        | 비상대기 | 24시간 | 30,000 | 60,000 |
        {AfterDutyTable}
        ## 2. 연락처
        {BeforePhoneTable}
        @표 3. 부서별 내선 번호
        | 부서 | 담당 업무 | 내선 |
        | 인사팀 | 채용·급여 | 2345 |
        | 총무팀 | 시설·비품 | 2400 |
        | 정보전략팀 | 전산 장애 | 1234 |
        | 재무팀 | 경비 정산 | 2600 |
        {AfterPhoneTable}
        """, ruled);
}
