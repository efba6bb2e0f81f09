import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';

export type EChartOption = echarts.EChartsOption;
/** For tooltip formatter functions: ECharts puts their result into the page as HTML, so names from data are escaped. */
export function escapeChartText(text: unknown): string {
  return echarts.format.encodeHTML(String(text ?? ''));
}
export type EChartClick = { name: string; dataIndex: number; seriesIndex?: number; value?: unknown; data?: unknown };

interface EChartProps {
  option: EChartOption;
  height?: number;
  onClick?: (event: EChartClick) => void;
  /** The test id of the chart container. */
  testId?: string;
  loading?: boolean;
}

/** A small React wrapper around an ECharts instance: created once, option replaced on change, resized with its box. */
export function EChart({ option, height = 320, onClick, testId, loading }: EChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickHandler = useRef(onClick);
  clickHandler.current = onClick;

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (event) => clickHandler.current?.(event as unknown as EChartClick));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  useEffect(() => {
    if (loading) chart.current?.showLoading();
    else chart.current?.hideLoading();
  }, [loading]);

  return <div ref={box} style={{ width: '100%', height, cursor: onClick ? 'pointer' : undefined }} data-testid={testId} />;
}

let chinaMap: Promise<boolean> | null = null;

/** Registers the China province map once (web/public/maps/china.json); false when it cannot be loaded. */
export function loadChinaMap(): Promise<boolean> {
  chinaMap ??= fetch('/maps/china.json')
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
    .then((geo) => {
      echarts.registerMap('china', geo as never);
      return true;
    })
    .catch(() => false);
  return chinaMap;
}

/** The map's short province name ('广东省' → '广东', '广西壮族自治区' → '广西'). */
export function mapProvinceName(name: string): string {
  return name.replace(/(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|省|市)$/, '');
}
