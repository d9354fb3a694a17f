from recruitment.models.exams import (
    Answer,
    Attempt,
    Blueprint,
    BlueprintPart,
    BlueprintRule,
    ExamEvent,
    ExamSession,
    ItemStatistic,
    PaperItem,
    Question,
    QuestionBank,
    QuestionImage,
)
from recruitment.models.rounds import (
    Appeal,
    Application,
    ApplicationDocument,
    Mark,
    RecruitmentRound,
    Round1Score,
    RoundGroupObjectPermission,
    RoundResult,
    RoundUserObjectPermission,
    Vacancy,
)

__all__ = [
    "Answer", "Appeal", "Application", "ApplicationDocument", "Attempt", "Blueprint",
    "BlueprintPart", "BlueprintRule", "ExamEvent", "ExamSession", "ItemStatistic", "Mark",
    "PaperItem", "Question", "QuestionBank", "QuestionImage", "RecruitmentRound", "Round1Score",
    "RoundGroupObjectPermission", "RoundResult", "RoundUserObjectPermission", "Vacancy",
]
