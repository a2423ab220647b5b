"""A LangChain ``BaseRetriever`` over the coach's hybrid index, so it plugs into LangChain chains.

    from coach.index.langchain import CoachRetriever
    retriever = CoachRetriever(retriever=open_retriever(), k=4, step="填肉")
    docs = retriever.invoke("怎样让稿子有说服力")
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class CoachRetriever(BaseRetriever):
    retriever: Any  # coach.index.Retriever (not a pydantic type, hence Any)
    k: int = 5
    step: str | None = None
    mode: str = "hybrid"

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.retriever.search(query, k=self.k, step=self.step, mode=self.mode)
        documents = []
        for hit in hits:
            metadata = hit.to_dict()
            text = metadata.pop("text")
            documents.append(Document(page_content=text, metadata=metadata, id=hit.passage.id))
        return documents
