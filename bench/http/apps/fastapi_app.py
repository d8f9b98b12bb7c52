"""FastAPI's BackgroundTasks on the bench route: answer, then run a 20 ms handler.

The same shape as the seed's `/process-data/` sample (`data: dict`, a background task
per request), with the handler every bench app runs (sleep 20 ms, count). Served by
bench/http/fastapi.ts as `uvicorn fastapi_app:app --loop uvloop --http httptools`.
"""

import asyncio

from fastapi import BackgroundTasks, FastAPI

app = FastAPI()
handled = 0


async def handle(_payload: dict) -> None:
    global handled
    await asyncio.sleep(0.02)
    handled += 1


@app.post("/process-data/")
async def process_data(data: dict, background_tasks: BackgroundTasks):
    background_tasks.add_task(handle, data)
    return {"status": "Data received"}
