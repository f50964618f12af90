"""The QA assessment core: the framework (standards, key questions, prompts) as versioned data,
the rating rules, and the completeness check for submission.

Pure Python, no Flask or database: ``framework`` loads ``config/qa_framework/vN.json``,
``ratings`` holds the 3/2/1/0 scale, the 0-12 overall banding and the yes-share bands, and
``completeness`` says what is still missing before a QA can be submitted.
"""
