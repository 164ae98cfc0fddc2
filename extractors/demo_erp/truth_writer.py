"""Streams the ground-truth tables to Parquet block by block, so memory stays bounded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class TruthWriter:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.staging = self.folder.with_name(self.folder.name + ".writing")
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.empty: dict[str, pd.DataFrame] = {}

    def write(self, name: str, frame: pd.DataFrame) -> None:
        if frame.empty and name not in self.writers:
            # An empty block has no column types yet: remember the columns only.
            self.empty[name] = frame
            return
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata(None)
        writer = self.writers.get(name)
        if writer is None:
            writer = pq.ParquetWriter(self.staging / f"{name}.parquet", table.schema)
            self.writers[name] = writer
        else:
            table = table.cast(writer.schema)
        writer.write_table(table)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        for name, frame in self.empty.items():
            if name not in self.writers:
                frame.astype(str).to_parquet(self.staging / f"{name}.parquet", index=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.staging.rename(self.folder)

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.close()
        shutil.rmtree(self.staging, ignore_errors=True)
