"""The notebook ``dnncourse grade`` runs for one student: the lesson's cells, the student's exercise code.

Like nbgrader's locked cells: every code cell before the first exercise is the instructor's
(a student's edit there is undone and flagged), and each exercise's check line is the
instructor's too (an edited or deleted one is flagged). The student's exercise cells, and code
cells the student added among the exercises, run as written, with their check lines taken out.
Two kinds of cells are added: one before the first exercise that exports every exercise's context
while only the lesson's code has run, and one after each exercise that exports its answer. A context
the lesson's stub leaves to the student (``table = ...``, to be filled from the student's own
training) is exported with the answer: it is the student's, like the answer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import nbformat

EXPORT = "from dnncourse.exercises.export import export_answer as _export_answer, export_contexts as _export_contexts"


@dataclass
class Exercise:
    """One exercise of the lesson: its id, the stub without its check line, and the check's parts."""

    id: str
    stub: str
    answer: str                  # the answer's expression in the check line, e.g. "wide_parameters"
    context: dict[str, str]      # keyword -> expression, e.g. {"table": "trap_table"}
    check_line: str
    own: list[str] = field(default_factory=list)  # context the stub leaves to the student (`table = ...`)

    def answer_call(self) -> str:
        """The cell after the exercise: export the answer (and the student's own context) for the grader."""
        context = "".join(f", {name}={expression}" for name, expression in self.context.items())
        return f"_export_answer({self.id!r}, {self.answer}{context}, own_context={self.own!r})"


@dataclass
class GradedCopy:
    notebook: nbformat.NotebookNode
    exercises: list[Exercise]
    flags: list[str] = field(default_factory=list)


def _check_calls(source: str) -> list[ast.stmt]:
    """The top-level statements of ``source`` that call ``check(...)`` / ``dc.check(...)``."""
    tree = ast.parse(source)
    found = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            if name == "check":
                found.append(statement)
    return found


def _left_to_student(stub: str, context: dict[str, str]) -> list[str]:
    """Context keywords whose expression is a name the stub assigns ``...`` (the student's own run)."""
    open_names = {target.id for statement in ast.parse(stub).body if isinstance(statement, ast.Assign)
                  and isinstance(statement.value, ast.Constant) and statement.value.value is ...
                  for target in statement.targets if isinstance(target, ast.Name)}
    return [keyword for keyword, expression in context.items() if expression.strip() in open_names]


def _without(source: str, statements: list[ast.stmt]) -> str:
    lines = source.splitlines()
    for statement in sorted(statements, key=lambda s: s.lineno, reverse=True):
        del lines[statement.lineno - 1:statement.end_lineno]
    return "\n".join(lines).rstrip() + "\n"


def exercise_of(cell) -> Exercise | None:
    """The exercise an instructor's exercise cell checks, or None when it has no check line."""
    try:
        calls = _check_calls(cell.source)
    except SyntaxError:
        return None
    for statement in calls:
        call = statement.value
        if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
            segment = ast.get_source_segment
            stub = _without(cell.source, calls)
            context = {k.arg: segment(cell.source, k.value) for k in call.keywords if k.arg}
            return Exercise(id=call.args[0].value, stub=stub,
                            answer=segment(cell.source, call.args[1]) if len(call.args) > 1 else "...",
                            context=context, check_line=segment(cell.source, statement),
                            own=_left_to_student(stub, context))
    return None


def _code(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _is_exercise(cell) -> bool:
    return "exercise" in cell.metadata.get("tags", [])


def _student_exercise_cells(student, lesson_cells, exercises) -> list[int | None]:
    """For each instructor exercise cell, the index of the student's code cell that answers it."""
    code = _code(student)
    by_id = {cell.get("id"): i for i, cell in enumerate(code) if cell.get("id")}
    tagged = [i for i, cell in enumerate(code) if _is_exercise(cell)]
    found: list[int | None] = []
    for k, (cell, exercise) in enumerate(zip(lesson_cells, exercises)):
        index = by_id.get(cell.get("id"))
        if index is None:
            index = next((i for i, c in enumerate(code) if f'"{exercise.id}"' in c.source
                          or f"'{exercise.id}'" in c.source), None)
        if index is None and k < len(tagged):
            index = tagged[k]
        found.append(index)
    return found


def graded_copy(lesson, student) -> GradedCopy:
    """The notebook to run for ``student`` (a notebook) against ``lesson`` (the instructor's notebook)."""
    lesson_code = _code(lesson)
    first = next(i for i, cell in enumerate(lesson_code) if _is_exercise(cell))
    exercise_cells = [cell for cell in lesson_code[first:] if _is_exercise(cell)]
    exercises = [exercise_of(cell) for cell in exercise_cells]
    pairs = [(c, e) for c, e in zip(exercise_cells, exercises) if e is not None]
    exercise_cells, exercises = [c for c, _ in pairs], [e for _, e in pairs]
    student_code = _code(student)
    answers = _student_exercise_cells(student, exercise_cells, exercises)
    flags = []

    theirs = [c.source.strip() for c in student_code if not _is_exercise(c)]
    changed = sum(cell.source.strip() not in theirs for cell in lesson_code[:first])
    if changed:
        flags.append(f"{changed} lesson cell(s) changed or removed (the lesson's own were run)")
    answered = sorted(i for i in answers if i is not None)
    starts = answered + [len(student_code)]
    ours = {c.source.strip() for c in lesson_code[:first]}
    added = [c for c in student_code[:starts[0]] if c.source.strip() and c.source.strip() not in ours
             and not _is_exercise(c)]
    if added:
        flags.append(f"{len(added)} cell(s) added before the exercises (not run)")

    cells = [nbformat.from_dict(dict(cell)) for cell in lesson_code[:first]]
    plan = [(e.id, e.stub, {k: v for k, v in e.context.items() if k not in e.own}) for e in exercises]
    cells.append(nbformat.v4.new_code_cell(f"{EXPORT}\n_export_contexts(globals(), {plan!r})",
                                           metadata={"tags": ["grader-context"]}))
    for exercise, index in zip(exercises, answers):
        if index is None:
            flags.append(f"{exercise.id}: exercise cell missing")
            cells.append(nbformat.v4.new_code_cell(exercise.stub, metadata={"tags": ["exercise"]}))
        else:
            following = starts[starts.index(index) + 1]
            for offset, cell in enumerate(student_code[index:following]):
                source = cell.source
                try:
                    calls = _check_calls(source)
                except SyntaxError:
                    calls = []
                if offset == 0 and [ast.get_source_segment(source, s) for s in calls] != [exercise.check_line]:
                    flags.append(f"{exercise.id}: check line edited or removed (the lesson's was run)")
                cells.append(nbformat.v4.new_code_cell(_without(source, calls) if calls else source,
                                                       metadata={"tags": ["exercise"]}))
        cells.append(nbformat.v4.new_code_cell(exercise.answer_call(), metadata={"tags": ["grader-answer"],
                                                               "grader": {"exercise": exercise.id}}))
    for cell in cells:
        cell.metadata.setdefault("tags", [])  # papermill's parameterize reads every cell's tags
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=nbformat.from_dict(dict(lesson.metadata)))
    notebook.metadata.setdefault("papermill", {})
    return GradedCopy(notebook, exercises, flags)
